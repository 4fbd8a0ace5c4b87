import Foundation
import RenjuModel

/// Proposes a division change table from two divisions files (last year's and this year's
/// 统计用区划代码) for a person to confirm: the same name under the same parent with a new code is
/// a rename, under another parent a move; under one parent, several codes gone and one new is a
/// merge, one gone and several new a split (share left for the person); the rest is listed as
/// not matched. Never applied by itself: it is written out to be read.
public enum DivisionDiff {
    public struct Proposal: Sendable, Equatable {
        public let change: DivisionChange
        /// Why it is proposed, and what to confirm.
        public let reason: String
    }

    public struct Result: Sendable {
        public var proposals: [Proposal] = []
        /// Codes of the old file with no new code, and new codes with no old one.
        public var unmatchedOld: [RenjuModel.Unit] = []
        public var unmatchedNew: [RenjuModel.Unit] = []

        /// The proposals as a change table (comments say what to confirm; unmatched codes at the end).
        public func csv(effective: CivilDate) -> String {
            var out = "# Proposed by renju divisions diff: confirm each line before use (renju validate --division-changes FILE).\n"
            out += "# 由 renju divisions diff 生成的建议：逐行核对后使用；拆分（split）请填写比例（share）。\n"
            out += "effective,old_code,new_code,kind,share,note\n"
            for p in proposals {
                let c = p.change
                out += "\(c.effective),\(c.oldCode),\(c.newCode),\(c.kind.rawValue),\(c.share.map(shortestDecimal) ?? ""),\(Self.field(p.reason))\n"
            }
            for u in unmatchedOld { out += "# 未配对（旧表有、新表无）: \(u.code) \(u.name) (\(u.level.rawValue)) — 若并入其他单位，补一行 merge\n" }
            for u in unmatchedNew { out += "# 未配对（新表有、旧表无）: \(u.code) \(u.name) (\(u.level.rawValue)) — 新设单位无需登记\n" }
            return out
        }

        static func field(_ s: String) -> String {
            let clean = s.replacingOccurrences(of: "\n", with: " ")
            return clean.contains(",") || clean.contains("\"") ? "\"" + clean.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : clean
        }
    }

    public static func propose(old: DivisionTree, new: DivisionTree, effective: CivilDate) -> Result {
        var result = Result()
        let oldUnits = old.all.sorted { $0.code < $1.code }, newUnits = new.all.sorted { $0.code < $1.code }
        // Old code → the new code it became (kept codes map to themselves).
        var became: [UnitCode: UnitCode] = [:]
        for u in oldUnits where new[u.code] != nil { became[u.code] = u.code }
        func mappedParent(_ u: RenjuModel.Unit) -> UnitCode? { u.parent.map { became[$0] ?? $0 } }
        func add(_ from: UnitCode, _ to: UnitCode, _ kind: DivisionChange.Kind, _ reason: String) {
            result.proposals.append(Proposal(change: DivisionChange(effective: effective, oldCode: from, newCode: to, kind: kind), reason: reason))
        }
        // Names changed under the same code.
        for u in oldUnits {
            guard let n = new[u.code], n.name != u.name else { continue }
            add(u.code, u.code, .rename, "更名：\(u.name) → \(n.name)（代码不变）")
        }
        // Level by level, top down: a township's new code is known before its villages are matched.
        for level in Level.allCases.sorted() {
            var gone = oldUnits.filter { $0.level == level && new[$0.code] == nil }
            var added = newUnits.filter { $0.level == level && old[$0.code] == nil }
            // The same name: under the same (mapped) parent a rename, under another a move.
            for g in gone {
                let key = TextNormalizer.key(g.name)
                let same = added.filter { TextNormalizer.key($0.name) == key }
                guard let match = same.first(where: { $0.parent == mappedParent(g) }) ?? (same.count == 1 ? same.first : nil) else { continue }
                if match.parent == mappedParent(g) {
                    add(g.code, match.code, .rename, "同名同上级，代码 \(g.code) → \(match.code)：\(g.name)")
                } else {
                    add(g.code, match.code, .move, "同名，上级由 \(g.parent?.rawValue ?? "-") 变为 \(match.parent?.rawValue ?? "-")：\(g.name)")
                }
                became[g.code] = match.code
                added.removeAll { $0.code == match.code }
            }
            gone.removeAll { became[$0.code] != nil }
            // Under one parent: several gone and one new — a merge; one gone and several new — a split.
            let parents = Set(gone.compactMap(mappedParent) + added.compactMap(\.parent))
            for p in parents.sorted() {
                let g = gone.filter { mappedParent($0) == p }, a = added.filter { $0.parent == p }
                if g.count >= 2, a.count == 1, let target = a.first {
                    for x in g { add(x.code, target.code, .merge, "合并：\(g.map(\.name).joined(separator: "、")) → \(target.name)（请核对）"); became[x.code] = target.code }
                    added.removeAll { $0.code == target.code }
                } else if g.count == 1, a.count >= 2, let source = g.first {
                    for y in a { add(source.code, y.code, .split, "拆分：\(source.name) → \(a.map(\.name).joined(separator: "、"))（请填写比例 share）") }
                    became[source.code] = a.first?.code
                    added.removeAll { x in a.contains { $0.code == x.code } }
                } else if g.count == 1, a.count == 1, let x = g.first, let y = a.first {
                    add(x.code, y.code, .rename, "同一上级下一撤一设：\(x.name) → \(y.name)（名称不同，请核对是否为同一单位）")
                    became[x.code] = y.code
                    added.removeAll { $0.code == y.code }
                }
            }
            gone.removeAll { became[$0.code] != nil }
            result.unmatchedOld += gone
            result.unmatchedNew += added
        }
        return result
    }
}
