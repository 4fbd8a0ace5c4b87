import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuExport
import RenjuEditing
import RenjuInspection
import RenjuStore
import RenjuStoreCore

extension Workspace {
    /// What writing the prefecture's return did.
    public struct ReturnWritten: Sendable {
        public let unit: UnitCode
        public let unitName: String
        public let period: Period
        /// Errors still open: the return was written as a draft (or not at all when strict).
        public let openErrors: Int
        public let written: Bool
        /// The figures filled in (`--impute`), those of units that did not report among them.
        public var imputed: [ImputedFigure] = []
    }

    /// Writes the return of a template (上报表) from a validation: one row per unit of the
    /// template's level, the computed 合计, the footer from the sign-offs. With open errors it is
    /// written as a draft, unless `strict`.
    public func writeReturn(_ v: Validation, template name: String, unit: String?, to out: String, strict: Bool, draft: String? = nil) throws -> ReturnWritten {
        let reference = v.reference
        let tpl = try template(name, catalog: reference.catalog)
        guard let period = v.result.period else { throw AppError(zh: "输入中找不到报告期（用 --period 指定）", en: "no period found in the input (use --period)") }
        let root = try unit.map { try Self.unit($0, in: reference) } ?? Self.reportingUnit(of: v, level: tpl.rowLevel)
        guard let root else { throw AppError(zh: "无法确定上报单位，请用 --unit 指定", en: "cannot tell the reporting unit; use --unit") }
        let open = v.result.summary.errors
        let name = reference.tree.name(of: root) ?? root.rawValue
        if v.result.hasOpenError && strict {
            return ReturnWritten(unit: root, unitName: name, period: period, openErrors: open, written: false)
        }
        var current = PeriodValues()
        for sub in v.result.submissions { current.merge(sub.values, overwrite: true) }
        // With --impute: the filled-in figures in place of the wrong or blank ones, and a unit of
        // the return's rows that did not report estimated from its last period — each said on the
        // return (a comment on its cell and a legend line).
        var filled: [ImputedFigure] = []
        if conventions.impute {
            filled = v.result.imputed
            for f in filled { current.set(f.unit, f.indicator, Observation(f.value)) }
            let estimated = Imputer(reference: reference).estimateUnreported(root: root, level: tpl.rowLevel, period: period, current: current, history: v.result.history)
            for f in estimated { current.set(f.unit, f.indicator, Observation(f.value)) }
            filled += estimated
        }
        let signOffs = (v.input.signOffs + v.result.submissions.flatMap(\.signOffs)).filter { $0.unit == root && ($0.period == nil || $0.period == period) }
        do {
            try ReturnExporter(reference: reference, template: tpl).write(to: out, unit: root, period: period, reported: current, signOffs: signOffs, imputed: filled, draft: draft)
        } catch {
            throw AppError(Message.of(error))
        }
        var written = ReturnWritten(unit: root, unitName: name, period: period, openErrors: v.result.hasOpenError ? open : 0, written: true)
        written.imputed = filled
        return written
    }

    /// The reporting unit of a validation: the lowest common ancestor of its units, raised until
    /// it lies above the level of the template's rows.
    public static func reportingUnit(of v: Validation, level: Level?) -> UnitCode? {
        v.reference.tree.commonAncestor(of: v.result.submissions.flatMap { $0.rows.map(\.code) }, above: level)
    }

    /// The findings workbook: the figures with flagged cells highlighted and the messages as
    /// comments, and a 审核情况 sheet listing every finding.
    public static func writeFindingsWorkbook(_ v: Validation, to out: String, lang: Language, store: (any HistoryStoring)? = nil) async throws {
        // With a store that holds on-site checks: their hit rates as a sheet.
        var hits: HitRates? = nil
        if let s = store as? any InspectionStoring { hits = HitRates.compute(samples: try await s.samples(), results: try await s.inspections()) }
        do { try FindingsWorkbook(reference: v.reference).write(to: out, result: v.result, lang: lang, hitRates: hits) } catch { throw AppError(Message.of(error)) }
    }

    /// Writes a unit's blank collection form (采集表) for a period.
    public func writeCollectionForm(unit: String, period: Period, template name: String, to out: String) throws {
        let reference = try reference()
        let u = try Self.unit(unit, in: reference)
        let tpl = try template(name, catalog: reference.catalog)
        do { try CollectionFormWriter(reference: reference, template: tpl).write(to: out, unit: u, period: period) } catch {
            throw AppError(Message.of(error))
        }
    }
}
