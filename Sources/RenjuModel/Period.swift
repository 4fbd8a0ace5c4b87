import Foundation

/// A reporting period: a year, a half-year, a quarter or a month.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public enum Kind: Int, Sendable, Codable, CaseIterable {
        case year = 0, quarter = 1, month = 2, half = 3

        /// The word rules.yaml uses for the kind (`month:`, `quarter:`, `half:`, `year:`).
        public var key: String {
            switch self {
            case .year: return "year"
            case .half: return "half"
            case .quarter: return "quarter"
            case .month: return "month"
            }
        }
        /// Periods in a year.
        public var perYear: Int {
            switch self {
            case .year: return 1
            case .half: return 2
            case .quarter: return 4
            case .month: return 12
            }
        }
    }

    public let year: Int
    public let kind: Kind
    /// Quarter 1–4, month 1–12, half 1–2; 0 for a year.
    public let index: Int

    public init(year: Int, quarter: Int) { self.year = year; self.kind = .quarter; self.index = quarter }
    public init(year: Int, month: Int) { self.year = year; self.kind = .month; self.index = month }
    public init(year: Int) { self.year = year; self.kind = .year; self.index = 0 }
    /// A half-year: 1 (January–June, 上半年) or 2 (July–December, 下半年).
    public init(year: Int, half: Int) { self.year = year; self.kind = .half; self.index = half }

    /// Canonical spelling: `2025Q3`, `2025-07`, `2025H1`, `2025`.
    public var description: String {
        switch kind {
        case .year: return "\(year)"
        case .half: return "\(year)H\(index)"
        case .quarter: return "\(year)Q\(index)"
        case .month: return String(format: "%04d-%02d", year, index)
        }
    }

    /// The period before this one, of the same kind (2025Q1 → 2024Q4).
    public var previous: Period {
        switch kind {
        case .year: return Period(year: year - 1)
        case .half: return index == 1 ? Period(year: year - 1, half: 2) : Period(year: year, half: 1)
        case .quarter: return index == 1 ? Period(year: year - 1, quarter: 4) : Period(year: year, quarter: index - 1)
        case .month: return index == 1 ? Period(year: year - 1, month: 12) : Period(year: year, month: index - 1)
        }
    }

    /// The same period a year earlier (2025Q3 → 2024Q3, 2025-07 → 2024-07, 2025 → 2024): 同比.
    public var lastYear: Period {
        switch kind {
        case .year: return Period(year: year - 1)
        case .half: return Period(year: year - 1, half: index)
        case .quarter: return Period(year: year - 1, quarter: index)
        case .month: return Period(year: year - 1, month: index)
        }
    }

    /// `k` periods back (k ≥ 0).
    public func back(_ k: Int) -> Period {
        var p = self
        for _ in 0..<max(0, k) { p = p.previous }
        return p
    }

    /// The last month covered by the period.
    public var lastMonth: Int {
        switch kind {
        case .year: return 12
        case .half: return index * 6
        case .quarter: return index * 3
        case .month: return index
        }
    }

    /// Whether the period closes the year (Q4, December, or a year).
    public var isYearEnd: Bool { lastMonth == 12 }

    /// The last day of the period.
    public var endDate: CivilDate {
        let m = lastMonth
        return CivilDate(year: year, month: m, day: CivilDate.daysIn(month: m, year: year))
    }

    /// Fraction of the year elapsed at the end of the period.
    public var yearFraction: Double { Double(lastMonth) / 12.0 }

    public static func < (a: Period, b: Period) -> Bool {
        if a.year != b.year { return a.year < b.year }
        if a.lastMonth != b.lastMonth { return a.lastMonth < b.lastMonth }
        return a.kind.rawValue < b.kind.rawValue
    }

    private static let chineseDigits: [Character: Int] = [
        "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
    ]

    /// Parses every spelling of SPEC §4: `2025Q3`, `2025-Q3`, `2025年第三季度`, `2025年三季度`,
    /// `2025年第3季度`, `2025-07`, `2025年7月`, `2025H1`, `2025年上半年`, `2025年下半年`, `2025`,
    /// `2025年`. Full-width characters are accepted.
    public static func parse(_ raw: String) -> Period? {
        // The usual spelling, `2025Q3`, read from its six bytes: what the general reading below gives it.
        if raw.utf8.count == 6 {
            var b = raw.utf8.makeIterator()
            var year = 0, digits = true
            for _ in 0..<4 { let d = b.next() ?? 0; if d < 0x30 || d > 0x39 { digits = false }; year = year * 10 + Int(d &- 0x30) }
            let q = b.next() ?? 0, n = b.next() ?? 0
            if digits, q == 0x51 || q == 0x71, n >= 0x31 && n <= 0x34, (1900...2999).contains(year) {
                return Period(year: year, quarter: Int(n - 0x30))
            }
        }
        if let q = quarterWrittenOut(raw) { return q }
        return parseSpelling(raw)
    }

    /// `parse` for every spelling, character by character (the two common ones above are read faster).
    static func parseSpelling(_ raw: String) -> Period? {
        let s = TextNormalizer.fold(raw).replacingOccurrences(of: " ", with: "")
        guard !s.isEmpty else { return nil }
        let scalars = Array(s)
        var i = 0
        var yearDigits = ""
        while i < scalars.count, let d = scalars[i].wholeNumberValue, scalars[i].isASCII {
            yearDigits.append(Character(String(d))); i += 1
        }
        guard yearDigits.count == 4, let year = Int(yearDigits), year >= 1900, year <= 2999 else { return nil }
        var rest = String(scalars[i...])
        if rest.isEmpty || rest == "年" || rest == "年度" { return Period(year: year) }
        if rest.hasPrefix("年") { rest.removeFirst() }
        else if rest.hasPrefix("-") || rest.hasPrefix("/") || rest.hasPrefix(".") { rest.removeFirst() }
        rest = rest.uppercased()
        // Half-years.
        if rest.hasPrefix("H"), let h = Int(rest.dropFirst()), (1...2).contains(h) { return Period(year: year, half: h) }
        if rest == "上半年" || rest == "上半年度" { return Period(year: year, half: 1) }
        if rest == "下半年" || rest == "下半年度" { return Period(year: year, half: 2) }
        // Quarter forms.
        if rest.hasPrefix("Q"), let q = Int(rest.dropFirst()), (1...4).contains(q) { return Period(year: year, quarter: q) }
        if rest.hasSuffix("季度") || rest.hasSuffix("季") {
            var body = rest
            body = String(body.dropLast(body.hasSuffix("季度") ? 2 : 1))
            if body.hasPrefix("第") { body.removeFirst() }
            let q: Int?
            if let n = Int(body) { q = n } else if body.count == 1, let c = body.first { q = chineseDigits[c] } else { q = nil }
            if let q, (1...4).contains(q) { return Period(year: year, quarter: q) }
            return nil
        }
        // Month forms.
        var body = rest
        if body.hasSuffix("月份") { body = String(body.dropLast(2)) } else if body.hasSuffix("月") { body = String(body.dropLast()) }
        if let m = Int(body), (1...12).contains(m) { return Period(year: year, month: m) }
        return nil
    }

    /// `2025年第三季度`, `2025年3季度`, `2025年第3季` and the like (ASCII digits for the year,
    /// nothing around), read from their scalars: the quarter the general reading gives them (or
    /// nil: the general reading decides).
    static func quarterWrittenOut(_ raw: String) -> Period? {
        var it = raw.unicodeScalars.makeIterator()
        var year = 0
        for _ in 0..<4 {
            guard let d = it.next(), d.value >= 0x30, d.value <= 0x39 else { return nil }
            year = year * 10 + Int(d.value - 0x30)
        }
        guard (1900...2999).contains(year), it.next() == "年" else { return nil }
        var next = it.next()
        if next == "第" { next = it.next() }
        let quarter: Int
        switch next {
        case "1", "一": quarter = 1
        case "2", "二": quarter = 2
        case "3", "三": quarter = 3
        case "4", "四": quarter = 4
        default: return nil
        }
        guard it.next() == "季" else { return nil }
        let last = it.next()
        guard last == nil || (last == "度" && it.next() == nil) else { return nil }
        return Period(year: year, quarter: quarter)
    }

    /// Finds a period inside a longer text, such as a form title
    /// (`西吉县2025年三季度农村人居环境整治进度统计表`). Quarters and months win over a bare year.
    public static func find(in text: String) -> Period? {
        let s = TextNormalizer.fold(text).replacingOccurrences(of: " ", with: "")
        let chars = Array(s)
        var best: Period?
        var i = 0
        while i + 4 <= chars.count {
            let four = String(chars[i..<i + 4])
            if four.allSatisfy({ $0.isASCII && $0.isNumber }), i == 0 || !(chars[i - 1].isASCII && chars[i - 1].isNumber) {
                // Try the longest candidate first.
                var j = min(chars.count, i + 12)
                while j > i + 4 {
                    if let p = parse(String(chars[i..<j])), p.kind != .year { return p }
                    j -= 1
                }
                if best == nil, i + 4 < chars.count ? chars[i + 4] == "年" : false { best = Period(year: Int(four) ?? 0) }
            }
            i += 1
        }
        return best
    }
}

/// A calendar date without time zone (sign-off dates, deadlines).
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init(year: Int, month: Int, day: Int) { self.year = year; self.month = month; self.day = day }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(dayNumber z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// Today in China Standard Time (UTC+8), where the returns are signed.
    public static var today: CivilDate {
        CivilDate(dayNumber: Int((Date().timeIntervalSince1970 + 8 * 3600) / 86400))
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }

    /// `2025-10-08`, `2025/10/8`, `2025.10.8`, `2025年10月8日`, `20251008`.
    public static func parse(_ raw: String) -> CivilDate? {
        // The usual spelling, `2025-10-02`, read from its ten bytes: what the general reading below gives it.
        if raw.utf8.count == 10 {
            let b = Array(raw.utf8)
            func number(_ r: Range<Int>) -> Int? {
                var v = 0
                for i in r { guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }; v = v * 10 + Int(b[i] - 0x30) }
                return v
            }
            if b[4] == 0x2D, b[7] == 0x2D, let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) {
                guard (1900...2999).contains(y), (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y) else { return nil }
                return CivilDate(year: y, month: m, day: d)
            }
        }
        let s = TextNormalizer.fold(raw).trimmingCharacters(in: .whitespaces)
        var parts: [Int] = []
        var cur = ""
        for ch in s {
            if ch.isASCII, ch.isNumber { cur.append(ch) } else {
                if !cur.isEmpty { parts.append(Int(cur) ?? -1); cur = "" }
                if !["-", "/", ".", "年", "月", "日", "号", " "].contains(ch) { return nil }
            }
        }
        if !cur.isEmpty { parts.append(Int(cur) ?? -1) }
        if parts.count == 1, s.count == 8, let n = parts.first {
            parts = [n / 10000, (n / 100) % 100, n % 100]
        }
        guard parts.count == 3 else { return nil }
        let (y, m, d) = (parts[0], parts[1], parts[2])
        guard (1900...2999).contains(y), (1...12).contains(m), d >= 1, d <= daysIn(month: m, year: y) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    /// An Excel serial date (1900 date system) to a calendar date.
    public init?(excelSerial: Double) {
        guard excelSerial.isFinite, excelSerial >= 1, excelSerial < 2_958_466 else { return nil }
        // Serial 25569 is 1970-01-01 (Excel's 1900 leap-year bug is before 1900-03-01 only).
        self.init(dayNumber: Int(excelSerial.rounded(.down)) - 25569)
    }
}
