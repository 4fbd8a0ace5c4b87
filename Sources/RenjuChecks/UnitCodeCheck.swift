import Foundation
import RenjuModel
import RenjuReference

/// `format.unknown_unit`, `format.name_mismatch`: every row's code must be in the divisions file,
/// and the name written beside it must be that unit's.
public struct UnitCodeCheck: Check {
    /// Unknown codes listed one by one in a submission; the rest are counted in one finding.
    public static let listedUnknown = 1_000
    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(.unknownUnit, .error, Message(zh: "区划代码不在区划表中", en: "Unknown division code")),
         RuleDescriptor(.nameMismatch, .warning, Message(zh: "代码与名称不符", en: "Code and name disagree"))]
    }
    public var explanation: Message {
        Message(zh: "每一行的区划代码必须是区划表中的单位；单位名称须与代码相符（合计行可写“合计”）。",
                en: "Every row's code must be a unit of the divisions file; the name must match the code (a total row may say 合计).")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        var out: [Finding] = []
        var tally = UnitCounter()
        let slotUnknownunit = tally.slot(.unknownUnit)
        let slotNamemismatch = tally.slot(.nameMismatch)
        defer { ctx.tally.add(tally) }
        for sub in ctx.submissions {
            tally.add(slotUnknownunit, evaluated: sub.rows.count)
            // A file of codes the divisions file does not know (the wrong county's divisions, or
            // not a return at all) is told in the first rows and then counted: a finding a row
            // would be millions of identical lines and their memory.
            var unknown = 0
            defer {
                if unknown > Self.listedUnknown {
                    out.append(ctx.finding(.unknownUnit, unit: nil, sub: sub, message: Message(
                    zh: "另有 \(unknown - Self.listedUnknown) 行的区划代码不在区划表中（共 \(unknown) 行，只列出前 \(Self.listedUnknown) 行）：多半是用错了区划表（--divisions）",
                    en: "\(unknown - Self.listedUnknown) more rows have codes not in the divisions file (\(unknown) in all, the first \(Self.listedUnknown) listed): probably the wrong divisions file (--divisions)"),
                    source: SourceRef(file: sub.file)))
                }
            }
            for row in sub.rows {
                guard let unit = ctx.tree[row.code] else {
                    unknown += 1
                    if unknown > Self.listedUnknown { continue }
                    out += [ctx.finding(.unknownUnit, unit: row.code, sub: sub, message: Message(
                        zh: "区划代码 \(row.code)（\(row.givenName ?? "无名称")）不在区划表中：请核对代码，或确认该村是否已撤并/新设",
                        en: "Division code \(row.code) (\(row.givenName ?? "no name")) is not in the divisions file: check the code"),
                        source: row.source)]
                    continue
                }
                guard let given = row.givenName, !given.isEmpty else { tally.add(slotNamemismatch, evaluated: 0, skipped: 1); continue }
                tally.add(slotNamemismatch, evaluated: 1)
                guard given != unit.name else { continue }
                let g = TextNormalizer.key(given), n = TextNormalizer.key(unit.name)
                let isTotalLabel = ["合计", "总计", "小计", "total"].contains(g) || g.hasSuffix("合计")
                if isTotalLabel, !ctx.childRows(of: row.code, in: sub).isEmpty { continue }
                if g == n || g.contains(n) || n.contains(g) { continue }
                out += [ctx.finding(.nameMismatch, unit: row.code, sub: sub, message: Message(
                    zh: "区划代码 \(row.code) 在区划表中是“\(unit.name)”，表中填的名称却是“\(given)”：请核对代码是否填错行",
                    en: "Code \(row.code) is “\(unit.name)” in the divisions file but the row says “\(given)”"),
                    source: row.source)]
            }
        }
        return out
    }
}
