import Foundation
import RenjuModel

/// The reporting calendar (`reference-data/calendar.yaml`): the kind of period reported, the one
/// being reported on a day (where the desk opens), and the time zone the desk shows times in.
public struct ReportingCalendar: Sendable, Equatable {
    public var frequency: Period.Kind = .quarter
    /// A fixed period being reported (a county still collecting a late quarter), else nil.
    public var current: Period?
    /// The zone of the times on the desk's pages (an IANA name; default Beijing time).
    public var timeZone: String = "Asia/Shanghai"
    /// How many periods back from the current one the period switch lists (besides every period
    /// the store knows).
    public var periodsListed: Int = 8

    public init() {}

    /// The period being reported on `day`: the fixed one, else the last period of the frequency
    /// that ended before it.
    public func current(on day: CivilDate) -> Period {
        if let current { return current }
        let containing: Period
        switch frequency {
        case .month: containing = Period(year: day.year, month: day.month)
        case .half: containing = Period(year: day.year, half: day.month <= 6 ? 1 : 2)
        case .year: containing = Period(year: day.year)
        default: containing = Period(year: day.year, quarter: (day.month - 1) / 3 + 1)
        }
        return containing.previous
    }

    /// The periods the switch offers: the current one and `periodsListed - 1` before it, with every
    /// period known elsewhere (the store), newest first, each once.
    public func listed(on day: CivilDate, known: [Period]) -> [Period] {
        var list = [current(on: day)]
        while list.count < max(1, periodsListed), let last = list.last { list.append(last.previous) }
        for p in known where !list.contains(p) { list.append(p) }
        return list.sorted(by: >)
    }

    /// The zone, or Beijing time when the name is not one the system knows.
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 8 * 3600) ?? .current }

    /// A stored instant (ISO 8601, UTC) as the desk shows it: `2026-12-07 08:54` in the zone.
    public func local(_ iso: String) -> String {
        guard let date = ISO8601DateFormatter().date(from: iso) else { return iso }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    public static func load(path: String) throws -> ReportingCalendar {
        let file = try YAMLFile(path: path)
        let top = try file.mapping(file.root, "calendar.yaml", keys: ["frequency", "current", "time_zone", "periods_listed"])
        var out = ReportingCalendar()
        if let f = top["frequency"] {
            let text = try file.string(f, "frequency")
            let kinds: [String: Period.Kind] = ["quarter": .quarter, "month": .month, "half": .half, "year": .year]
            guard let k = kinds[text] else { throw file.error(f, "frequency: one of quarter, month, half, year (got “\(text)”)") }
            out.frequency = k
        }
        if let c = top["current"] {
            let text = try file.string(c, "current")
            guard let p = Period.parse(text) else { throw file.error(c, "current: not a period (e.g. 2025Q3): “\(text)”") }
            out.current = p
        }
        if let z = top["time_zone"] {
            let text = try file.string(z, "time_zone")
            guard TimeZone(identifier: text) != nil else { throw file.error(z, "time_zone: not a time zone name (e.g. Asia/Shanghai): “\(text)”") }
            out.timeZone = text
        }
        if let n = top["periods_listed"] {
            let v = try file.int(n, "periods_listed")
            guard (1...200).contains(v) else { throw file.error(n, "periods_listed: from 1 to 200") }
            out.periodsListed = v
        }
        return out
    }
}
