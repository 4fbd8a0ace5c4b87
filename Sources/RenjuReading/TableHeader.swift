import Foundation
import RenjuModel

/// The header of a table: the row holding `区划代码` and the rows under it that belong to it — a
/// two-level header (group titles such as `厕所革命` over indicator titles, `区划代码` merged down
/// over both rows), as the prefecture's own return is laid out. Each column gets its titles from
/// top to bottom, a group title merged across several columns given to each of them.
struct TableHeader {
    /// The header's rows, top to bottom (one for a plain form).
    let rows: [Int]
    /// Each column's titles, top to bottom, repeated titles (a cell merged down) given once,
    /// left to right. A lowest title merged across columns (`单位名称` over B:C) is one column
    /// spanning them: `column` is the merged cell's left column, `last` its right one.
    let titles: [(column: Int, last: Int, levels: [String])]
    /// Every title's matching key, over all the header's rows (for telling what kind of table it is).
    let keys: Set<String>

    var top: Int { rows.first ?? 0 }
    var bottom: Int { rows.last ?? 0 }

    /// How many rows under the first a header may span.
    static let maxExtraRows = 3

    init(_ grid: Grid, at index: Int, of rowIndices: [Int], catalog: Catalog, known: HeaderTitles? = nil) {
        let first = rowIndices[index]
        let codeColumn = grid.cells(inRow: first).first { FormReader.codeKeys.contains(TextNormalizer.key($0.cell.display)) }?.column ?? 0
        var rows = [first]
        if let merge = grid.merge(containing: first, codeColumn), merge.top == first, merge.bottom > first {
            // `区划代码` merged down: the header is as deep as that cell.
            for r in rowIndices[(index + 1)...] where r <= merge.bottom && rows.count <= Self.maxExtraRows { rows.append(r) }
        } else {
            // Else rows right under it whose code cell is blank and whose cells are titles that name indicators.
            for r in rowIndices[(index + 1)...].prefix(Self.maxExtraRows) {
                guard Self.isTitleRow(grid, r, codeColumn: codeColumn, catalog: catalog) else { break }
                rows.append(r)
            }
        }
        self.rows = rows
        // A header without merged cells is read from its cells' text alone: every township's copy
        // of a template gives the same titles, worked out once (`HeaderTitles`).
        let top = rows.first ?? first, bottom = rows.last ?? first
        if let known, !grid.merges.contains(where: { $0.top <= bottom && $0.bottom >= top }) {
            let text = rows.map { r in grid.cells(inRow: r).map { HeaderText.Cell(column: $0.column, text: $0.cell.display) } }
            if let hit = known[text] { titles = hit.titles; keys = hit.keys; return }
            (titles, keys) = Self.titles(grid, rows: rows)
            known[text] = (titles, keys)
            return
        }
        (titles, keys) = Self.titles(grid, rows: rows)
    }

    /// Each column's titles, top to bottom, and every title's matching key (see `titles`, `keys`).
    static func titles(_ grid: Grid, rows: [Int]) -> (titles: [(column: Int, last: Int, levels: [String])], keys: Set<String>) {
        var byColumn: [Int: [String]] = [:]
        // The merged range (across columns) that gave a column its latest title, if one did.
        var titleMerge: [Int: CellRange] = [:]
        for r in rows {
            var columns = Set(grid.cells(inRow: r).map(\.column))
            // Cells inside a merged range show the range's text (a group title over its columns).
            for m in grid.merges where m.top <= r && m.bottom >= r && m.left != m.right {
                for c in m.left...min(m.right, m.left + 512) { columns.insert(c) }
            }
            for c in columns.sorted() {
                var text = grid[r, c].map { TextNormalizer.fold($0.display) } ?? ""
                let merge = grid.merge(containing: r, c)
                if TextNormalizer.isBlank(text), let m = merge, let origin = grid[m.top, m.left] {
                    text = TextNormalizer.fold(origin.display)
                }
                guard !TextNormalizer.isBlank(text) else { continue }
                if byColumn[c]?.last != text {
                    byColumn[c, default: []].append(text)
                    titleMerge[c] = merge.flatMap { $0.left != $0.right ? $0 : nil }
                }
            }
        }
        // Columns left to right; neighbours with the same titles whose lowest title is one merged
        // cell are one column (a group title over several indicators differs in the titles below it).
        var titles: [(column: Int, last: Int, levels: [String])] = []
        for c in byColumn.keys.sorted() {
            guard let levels = byColumn[c] else { continue }
            if let prev = titles.last, prev.levels == levels, let m = titleMerge[c], m == titleMerge[prev.column],
               m.contains(m.top, prev.column) {
                titles[titles.count - 1].last = c
            } else {
                titles.append((c, c, levels))
            }
        }
        return (titles, Set(titles.flatMap { $0.levels.map(TextNormalizer.key) }))
    }

    /// A row under the header that continues it: a blank code cell, and only words — indicator
    /// titles under their groups, or a row of units (`户`, `%`, `公里`). A row with a number or a
    /// 是/否 in it is data (the `甲 乙 1 2 3` row is handled apart).
    static func isTitleRow(_ grid: Grid, _ r: Int, codeColumn: Int, catalog: Catalog) -> Bool {
        if let code = grid[r, codeColumn], !TextNormalizer.isBlank(code.display) { return false }
        let cells = grid.cells(inRow: r)
        guard !cells.isEmpty else { return false }
        for (_, cell) in cells {
            guard case let .text(t) = cell else { return false }
            if case .value = CellParser.read(text: t, flag: true, percent: true) { return false }
        }
        return true
    }

    /// The indicator a column's titles name: the lowest title alone, or the titles read together
    /// (`生活垃圾` over `产生量（吨）`), or any one title, bottom up.
    /// (`keys`: each title's `TextNormalizer.key`.)
    static func indicator(_ levels: [String], keys: [String], _ catalog: Catalog) -> IndicatorID? {
        guard let last = keys.last else { return nil }
        if let id = catalog.resolve(key: last) { return id }
        if levels.count > 1, let id = catalog.resolve(levels.joined()) { return id }
        for k in keys.reversed().dropFirst() { if let id = catalog.resolve(key: k) { return id } }
        return nil
    }

    /// The column-number row of a statistical form (栏次: `甲 乙 1 2 3 …` under the titles).
    static func isColumnNumberRow(_ cells: [Grid.Entry], codeCell: RawCell?) -> Bool {
        // Called for every row: the usual code cell (12 digits) is turned away at once.
        switch codeCell {
        case let .text(t)?:
            if t.utf8.count <= 8, ["甲", "栏次", "a"].contains(TextNormalizer.key(t)) { return true }
            guard TextNormalizer.isBlank(t) else { return false }
        case nil:
            break
        default:
            return false
        }
        var expected = 1.0, count = 0
        for e in cells {
            switch e.cell {
            case let .number(d):
                guard d == expected else { return false }
                expected += 1; count += 1
            case let .text(t) where TextNormalizer.isBlank(t): continue
            default: return false
            }
        }
        return count >= 3
    }
}

/// The titles of headers a reader has worked out, by the text of their cells (headers without
/// merged cells; see `TableHeader.init`).
enum HeaderText {
    struct Cell: Hashable { let column: Int; let text: String }
    typealias Titles = (titles: [(column: Int, last: Int, levels: [String])], keys: Set<String>)
}
typealias HeaderTitles = ReaderMemo<[[HeaderText.Cell]], HeaderText.Titles>
