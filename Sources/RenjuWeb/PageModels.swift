import Foundation
import Mustache
import RenjuModel

// The desk's pages as typed view models: a handler builds one, `Pages.page` renders it with the
// frame every signed-in page shares and the words of the strings file. The templates read the
// models' properties by name (Mustache looks them up by reflection; a nil optional is absent).

/// What every signed-in page shows: who is signed in, the CSRF token its forms send, what the
/// role may do, and the period switch.
struct PageFrame: Sendable {
    struct User: Sendable { let login, name, role, roleLabel, unit, unitName: String }
    struct PeriodChoice: Sendable { let value: String; let selected: Bool }
    let user: User
    let csrf: String
    let canUpload: Bool
    let canExport: Bool
    let canReview: Bool
    let canManage: Bool
    let period: String?
    let periods: [PeriodChoice]?
    /// This page in the other language (the period kept).
    let otherLang: String
    /// The period being reported, when the page shows another one.
    let notCurrent: String?
    /// The rule set the desk checks with (its digest's first 12 characters).
    let rulesDigest: String
}

/// An error on a signed-in page: what went wrong, what to do, and what was found in the file.
struct ErrorPageModel: Sendable {
    struct Detail: Sendable { let `where`: String; let message: String }
    let message: String
    let hint: String
    let details: [Detail]
    let hasDetails: Bool
}

/// A township's desk: its units and their versions of the period.
struct DeskPageModel: Sendable {
    struct Version: Sendable { let id: Int64; let version: Int; let filename, at, by: String; let returned: Bool; let returnMessage: String }
    struct UnitLine: Sendable {
        let code, name, formLink: String; let hasVersions: Bool; let versions: [Version]
        /// What the unit's latest version needs next, as a sentence.
        let next: String
        let latestID: Int64?
    }
    let units: [UnitLine]
    let notice: String?
}

/// A submission: the sheet with its flagged cells, the findings, the sign-offs.
struct SubmissionPageModel: Sendable {
    struct Sub: Sendable {
        let id: Int64; let unit, unitName: String; let version: Int; let filename, at, by, digest, status, statusClass: String
        let errors, warnings, explained: Int; let returnMessage: String; let returned: Bool
    }
    struct Column: Sendable { let name, unit, id: String }
    struct Mark: Sendable { let n: Int; let message: String }
    struct Cell: Sendable { let value: String; let flag: String?; let marks: [Mark]? }
    struct Row: Sendable { let code, name: String; let cells: [Cell]; let rowNotes: [Mark] }
    struct Note: Sendable {
        let n: Int; let severity, severityLabel, rule, unit, unitName, indicator, indicatorName, message: String
        /// The suggested fix of error localisation, in words, where there is one.
        let fix: String?
        let cell: String
        let explained: Bool; let explanation: String; let canExplain: Bool; let value: String?
    }
    struct Role: Sendable { let role: String }
    struct SignOffLine: Sendable { let role, name, date: String; let current: Bool }
    struct Declared: Sendable { let role, name, date: String }
    let sub: Sub
    let columns: [Column]
    let rows: [Row]
    let notes: [Note]
    let hasNotes: Bool
    /// What the checks could not cover (no history, not-applicable blanks), or nil.
    let coverage: String?
    let signRoles: [Role]
    let canSign: Bool
    let signBlocked: String?
    let signOffs: [SignOffLine]
    let awaiting: String?
    let declared: [Declared]
    let hasDeclared: Bool
    let canReturn: Bool
    /// What this version needs next (the latest version only).
    let next: String?
    /// A corrected version may be uploaded from this page.
    let canReupload: Bool
}

/// A rule as `renju rules explain` tells it.
struct RulePageModel: Sendable {
    struct Parameter: Sendable { let name, value: String; let changed: Bool; let defaultValue, range, about: String }
    let id, title, severity, severityLabel: String
    let byDefault: String?
    let levels: String
    let about: String?
    let condition: String?
    let hasParameters: Bool
    let parameters: [Parameter]
}

/// Where each township stands, and the counts by status.
struct BoardPageModel: Sendable {
    struct Line: Sendable {
        let unit, name, status, statusClass: String; let errors, warnings, explained: String; let signed: String; let late: Bool
        let id: Int64?; let version: Int?
    }
    struct Tally: Sendable { let label: String; let count: Int; let statusClass: String }
    let lines: [Line]
    /// Only the statuses some township has: the counts add up to the rows.
    let tally: [Tally]
    let deadline: String
    let overdue: Bool
    let progress: String
    /// Why the return would be a draft now, or nil.
    let draft: String?
}

/// 抽查: drawing a sample, bringing results back, the rules' hit rates.
struct InspectionsPageModel: Sendable {
    struct RuleLine: Sendable { let rule: String; let units, hits: Int; let rate: String; let relax: Bool }
    let seed: Int
    let message: String?
    let none: Bool
    let hasRules: Bool
    let rules: [RuleLine]
    let missed: String
}

/// The ranking of the period, with its chart.
struct RankingPageModel: Sendable {
    struct Part: Sendable { let label, points: String }
    struct Entry: Sendable {
        let rank: String; let reported, hasAward: Bool; let name, score, award, awardClass: String; let admonish: Bool; let notes: String
        let parts: [Part]
    }
    let entries: [Entry]
    let chart: String?
    let unitName: String?
    let message: String?
    /// Why the ranking is not final yet, or nil.
    let provisional: String?
    /// The units that did not report (not ranked), or nil.
    let absent: String?
    /// A township's view: its own line only, said.
    let own: String?
}

/// The administrator's accounts page.
struct AccountsPageModel: Sendable {
    struct Line: Sendable { let login, name, role, unit, unitName, signs: String; let disabled, isSelf: Bool }
    struct RoleChoice: Sendable { let value, label: String }
    let accounts: [Line]
    let roles: [RoleChoice]
    let message: String?
}

/// A unit's series, as charts.
struct HistoryPageModel: Sendable {
    struct IndicatorChoice: Sendable { let id, name: String; let selected: Bool }
    struct Chart: Sendable { let name, unit, svg: String; let empty: Bool }
    let unit, unitName: String
    let indicators: [IndicatorChoice]
    let charts: [Chart]
    struct UnitChoice: Sendable { let code, name: String; let selected: Bool }
    /// The units the account may look at.
    let units: [UnitChoice]
    /// Said when some points are desk uploads not yet imported.
    let deskNote: String?
}

/// A page's context for Mustache: the page's model first, then the shared frame, then the words
/// and language switches of every page.
struct PageContext: MustacheParent {
    let layers: [Any]
    let shared: [String: Any]

    func child(named name: String) -> Any? {
        for layer in layers {
            if let found = Mirror(reflecting: layer).children.first(where: { $0.label == name })?.value {
                let m = Mirror(reflecting: found)
                if m.displayStyle == .optional { if let inner = m.children.first?.value { return inner } else { continue } }
                return found
            }
        }
        return shared[name]
    }
}
