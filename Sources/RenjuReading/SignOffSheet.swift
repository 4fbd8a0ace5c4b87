import Foundation
import RenjuModel

/// A sign-off table (签字表): unit, period, role, name, date, digest, signature — and the
/// sign-off footer under a form.
extension FormReader {
    func readSignOffTable(_ grid: Grid, file: String, header: Int, body: [Int], defaultPeriod: Period?) -> SheetContent {
        let map = columnMap(grid, header: header, [(Self.codeKeys, .code), (Self.periodKeys, .period), (Self.roleKeys, .role),
                                                   (Self.personKeys, .person), (Self.dateKeys, .date), (Self.digestKeys, .digest),
                                                   (Self.signatureKeys, .signature)])
        var out: [SignOff] = []
        var findings: [Finding] = []
        guard map[.code] != nil, let roleCol = map[.role] else { return .signOffs([], findings: []) }
        for r in body {
            let text: (Column) -> String? = { self.text(grid, map, r, $0) }
            guard let code = rowCode(grid, map, r, file: file, table: ("签字表", "Sign-off"), period: defaultPeriod, findings: &findings) else { continue }
            var date: CivilDate? = nil
            var dateText: String? = nil
            if let dc = map[.date], let cell = grid[r, dc] {
                (date, dateText) = Self.date(cell, isDateFormatted: grid.isDate(r, dc), in: grid)
            }
            out.append(SignOff(unit: code, period: text(.period).flatMap(Period.parse) ?? defaultPeriod,
                               role: text(.role) ?? "", name: text(.person) ?? "", date: date, dateText: dateText,
                               digest: text(.digest)?.lowercased(), signature: text(.signature),
                               source: source(file, grid, r, roleCol)))
        }
        return .signOffs(out, findings: findings)
    }

    static func date(_ cell: RawCell, isDateFormatted: Bool, in grid: Grid) -> (CivilDate?, String) {
        switch cell {
        case let .number(d):
            if isDateFormatted || (18_264...73_051).contains(d) {
                let date = grid.date(serial: d)
                return (date, date?.description ?? cell.display)
            }
            return (CivilDate.parse(cell.display), cell.display)
        default:
            let t = TextNormalizer.fold(cell.display)
            return (CivilDate.parse(t), t)
        }
    }

    func looksLikeFooter(_ text: String) -> Bool {
        let t = TextNormalizer.fold(text).replacingOccurrences(of: " :", with: ":")
        return (vocabulary.roles + vocabulary.dateLabels).contains { label in
            t.contains(label + ":")
        }
    }

    /// `单位负责人：张三  统计负责人：李四  填表人：王五  报出日期：2025年10月8日`, in one cell or many.
    func parseFooter(_ parts: [(String, SourceRef)], unit: UnitCode, period: Period?) -> [SignOff] {
        var text = parts.map { TextNormalizer.fold($0.0) }.joined(separator: "  ")
        while text.contains(" :") { text = text.replacingOccurrences(of: " :", with: ":") }
        let labels = (vocabulary.roles + vocabulary.dateLabels).sorted { $0.count > $1.count }
        var hits: [(range: Range<String.Index>, label: String)] = []
        for l in labels {
            var from = text.startIndex
            while let r = text.range(of: l + ":", range: from..<text.endIndex) {
                if !hits.contains(where: { $0.range.overlaps(r) }) { hits.append((r, l)) }
                from = r.upperBound
            }
        }
        hits.sort { $0.range.lowerBound < $1.range.lowerBound }
        var fields: [(label: String, value: String)] = []
        for (i, h) in hits.enumerated() {
            let end = i + 1 < hits.count ? hits[i + 1].range.lowerBound : text.endIndex
            fields.append((h.label, text[h.range.upperBound..<end].trimmingCharacters(in: .whitespaces)))
        }
        let dateValue = fields.first { vocabulary.dateLabels.contains($0.label) }?.value
        let date = dateValue.flatMap(CivilDate.parse)
        return fields.filter { vocabulary.roles.contains($0.label) && !$0.value.isEmpty }.map {
            SignOff(unit: unit, period: period, role: $0.label, name: $0.value, date: date, dateText: dateValue,
                    digest: nil, source: parts.first?.1, fromFooter: true)
        }
    }
}
