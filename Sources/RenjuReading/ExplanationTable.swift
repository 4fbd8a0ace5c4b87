import Foundation
import RenjuModel

/// An explanations table (说明): unit, period, rule, indicator, the explanation.
extension FormReader {
    func readExplanations(_ grid: Grid, file: String, header: Int, body: [Int], defaultPeriod: Period?) -> SheetContent {
        let map = columnMap(grid, header: header, [(Self.codeKeys, .code), (Self.periodKeys, .period), (Self.ruleKeys, .rule),
                                                   (Self.indicatorKeys, .indicatorName), (Self.explanationKeys, .explanation)])
        var out: [Explanation] = []
        var findings: [Finding] = []
        guard let codeCol = map[.code], let textCol = map[.explanation] else { return .explanations([], findings: []) }
        for r in body {
            let text: (Column) -> String? = { self.text(grid, map, r, $0) }
            guard let code = rowCode(grid, map, r, file: file, table: ("说明表", "Explanation"), period: defaultPeriod, findings: &findings) else { continue }
            guard let body = map[.explanation].flatMap({ grid[r, $0]?.display })?.trimmingCharacters(in: .whitespacesAndNewlines),
                  !body.isEmpty else { continue }
            var indicator: IndicatorID? = nil
            if let t = text(.indicatorName) {
                indicator = catalog.resolve(t)
                if indicator == nil {
                    findings.append(Finding(
                        rule: .unknownIndicator, severity: .warning, unit: code, period: defaultPeriod,
                        message: Message(zh: "说明表第 \(r + 1) 行的指标“\(t)”不在指标目录中", en: "Explanation row \(r + 1): unknown indicator “\(t)”"),
                        source: source(file, grid, r, map[.indicatorName] ?? codeCol)))
                    continue
                }
            }
            out.append(Explanation(unit: code, period: text(.period).flatMap(Period.parse) ?? defaultPeriod, rule: text(.rule),
                                   indicator: indicator, text: body, source: source(file, grid, r, textCol)))
        }
        return .explanations(out, findings: findings)
    }

    /// A sign-off date: text in any common spelling, or an Excel date serial (a number in a
    /// date-formatted cell, or a number in the serial range of 1950–2100).
}
