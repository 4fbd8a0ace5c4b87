import Foundation
import RenjuModel
import RenjuReference

/// `completeness.*`: every unit under the submitting unit has a row, a total row exists, and
/// every required (non-rate, non-optional) value is filled in.
public struct CompletenessCheck: Check {
    public var cost: CheckCost { .large }
    public static let missingUnit = RuleID(.completeness, "missing_unit")
    public static let missingTotal = RuleID(.completeness, "missing_total")
    public static let missingValue = RuleID(.completeness, "missing_value")

    public init() {}
    public var rules: [RuleDescriptor] {
        [RuleDescriptor(Self.missingUnit, .error, Message(zh: "缺少下级单位", en: "Unit missing")),
         RuleDescriptor(Self.missingTotal, .error, Message(zh: "缺少合计行", en: "Total row missing")),
         RuleDescriptor(Self.missingValue, .error, Message(zh: "必填指标为空", en: "Required value blank"))]
    }
    public var explanation: Message {
        Message(zh: "区划表中报送单位的每个下级单位都要有一行；各单位的必填指标（比率除外）不得为空。",
                en: "Each unit under the submitting unit in the divisions file needs a row; required values (all but rates) must be filled in.")
    }

    public func run(_ ctx: CheckContext) -> [Finding] {
        var out: [Finding] = []
        var tally = UnitCounter()
        let slotMissingvalue = tally.slot(Self.missingValue)
        let slotMissingunit = tally.slot(Self.missingUnit)
        let slotMissingtotal = tally.slot(Self.missingTotal)
        defer { ctx.tally.add(tally) }
        for sub in ctx.submissions {
            let present = ctx.rowSet(of: sub)
            tally.add(slotMissingvalue, evaluated: sub.rows.count)
            // Units with children rows: every division child must be there.
            for row in ctx.totalRows(in: sub) {
                tally.add(slotMissingunit, evaluated: 1)
                for child in ctx.tree.children(of: row.code) where !present.contains(child) {
                    out += [ctx.finding(Self.missingUnit, unit: child, sub: sub, message: Message(
                        zh: "\(ctx.name(of: row.code, in: sub) ?? row.code.rawValue)的报表中缺少“\(ctx.name(of: child) ?? "")”（\(child)）这一行：区划表中的每个下级单位都必须填报",
                        en: "The return of \(ctx.name(of: row.code, in: sub) ?? row.code.rawValue) has no row for \(ctx.name(of: child) ?? "") (\(child)): every unit in the divisions file must report"),
                        source: SourceRef(file: sub.file))]
                }
            }
            // Several units of one parent without the parent's total row (units that are not
            // themselves totals: a file of whole township returns needs no county row).
            let roots = ctx.roots(of: sub)
            var byParent: [UnitCode: [UnitCode]] = [:]
            for r in roots where ctx.childRows(of: r, in: sub).isEmpty {
                if let p = ctx.tree.parent(of: r) { byParent[p, default: []].append(r) }
            }
            tally.add(slotMissingtotal, evaluated: byParent.count)
            for (parent, kids) in byParent where kids.count >= 2 && ctx.tree[parent] != nil {
                out += [ctx.finding(Self.missingTotal, unit: parent, sub: sub, message: Message(
                    zh: "报表列出了\(ctx.name(of: parent) ?? parent.rawValue)的 \(kids.count) 个下级单位，却没有\(ctx.name(of: parent) ?? "")的合计行：请补上合计行（区划代码 \(parent)）",
                    en: "The file lists \(kids.count) units of \(ctx.name(of: parent) ?? parent.rawValue) but no total row for it (code \(parent))"),
                    source: SourceRef(file: sub.file))]
            }
            // Required values.
            var required: [Indicator] = []
            for ind in ctx.catalog.indicators where !ind.kind.isRate && !ind.optional {
                if !sub.columns.contains(ind.id) {
                    if let root = roots.first {
                        out += [ctx.finding(Self.missingValue, unit: root, sub: sub, indicator: ind.id, message: Message(
                            zh: "报表中没有“\(ind.name)（\(ind.unit)）”这一列：该指标为必填，请按统一表样补上",
                            en: "The form has no column for \(ind.englishName) (\(ind.unit)): it is required"),
                            source: SourceRef(file: sub.file))]
                    }
                    continue
                }
                required.append(ind)
            }
            // Rows looked up once; the common case (every required figure there) costs a pass over them.
            let cols = sub.values.columns(for: required.map(\.id))
            var blankIn: [Int: [Int]] = [:]   // indicator position → rows (in order) missing it
            var rows = PeriodValues.RowCursor()
            for ri in sub.rows.indices {
                let r = rows.row(of: sub.rows[ri].code, in: sub.values)
                for k in required.indices where sub.values.value(row: r, column: cols[k]) == nil { blankIn[k, default: []].append(ri) }
            }
            for (k, ind) in required.enumerated() {
                for row in (blankIn[k] ?? []).map({ sub.rows[$0] }) where !(sub.unreadable[row.code]?.contains(ind.id) ?? false) {
                    out += [ctx.finding(Self.missingValue, unit: row.code, sub: sub, indicator: ind.id, message: Message(
                        zh: "\(ind.name)（\(ind.unit)）未填报：该指标为必填项，没有发生请填 0",
                        en: "\(ind.englishName) (\(ind.unit)) is blank: it is required; enter 0 if there is none"),
                        source: sub.blanks[row.code]?[ind.id] ?? row.source)]
                }
            }
        }
        return out
    }
}
