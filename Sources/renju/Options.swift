import ArgumentParser
import Foundation
import RenjuModel
import RenjuApp
import RenjuReference

enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

extension Language: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}
extension InputConventions.Blank: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

/// Where the reference data is: every command that reads figures or writes forms.
struct ReferenceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Reference data folder (indicators, rules, divisions, targets, chains).", valueName: "dir"))
    var reference: String?

    @Option(name: .long, help: ArgumentHelp("Divisions file (code,name,level,parent); replaces the reference folder's.", valueName: "file"))
    var divisions: String?

    @Option(name: .long, help: ArgumentHelp("A rules file, or the prefecture's 审核公式 workbook (.xlsx), checked besides the reference folder's rules (repeatable).", valueName: "file"))
    var rules: [String] = []

    @Option(name: .customLong("division-changes"), help: ArgumentHelp("Division change table (effective,old_code,new_code,kind,share,note): history under old codes is carried to the new ones; replaces the reference folder's division-changes.csv.", valueName: "file"))
    var divisionChanges: String?

    /// The application layer, its folders found once; progress of long steps on stderr when
    /// stderr is a terminal (never into a pipe or a log, never on stdout).
    func workspace(targets: String? = nil, conventions: InputConventions = InputConventions()) -> Workspace {
        var locations = Locations.discover(reference: reference, divisions: divisions, targets: targets, divisionChanges: divisionChanges)
        locations.rules = rules
        var w = Workspace(locations, conventions: conventions)
        if isatty(STDERR_FILENO) != 0 { w.progress = TerminalProgress.report }
        return w
    }
}

/// Annual targets: only the commands that run the target checks.
struct TargetsOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Targets file (year,unit_code,indicator,target); replaces the reference folder's.", valueName: "file"))
    var targets: String?
}

struct PeriodOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Period: a month (2025-07, 2025年7月), a quarter (2025Q3, 2025年第三季度), a half-year (2025H1, 2025年上半年) or a year (2025, 2025年); each kind has its own thresholds (rules.yaml month: / quarter: / half: / year:); default: the newest in the input.", valueName: "period"))
    var period: Period?

    var value: Period? { period }
}

struct LanguageOption: ParsableArguments {
    @Option(name: .long, help: "Language of messages: zh or en.")
    var lang: Language = .zh
}

struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Report format: text or json.")
    var format: OutputFormat = .text
}

struct AsOfOption: ParsableArguments {
    @Option(name: .customLong("as-of"), help: ArgumentHelp("Today's date for deadline checks, e.g. 2025-10-31 (default: today).", valueName: "date"))
    var asOf: CivilDate?

    var value: CivilDate { asOf ?? .today }
}

/// What reading and checking a period needs: every command that validates (validate, export, rank, db import).
struct CheckOptions: ParsableArguments {
    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var targets: TargetsOption
    @OptionGroup var period: PeriodOption
    @OptionGroup var asOf: AsOfOption
    @OptionGroup var language: LanguageOption

    @Option(name: .long, help: ArgumentHelp("What a blank or a dash (—, /, －, 无) means in these inputs: required, zero or not_applicable, for every indicator or as INDICATOR=MEANING (repeatable); default: the catalog's blank:.", valueName: "meaning"))
    var blank: [InputConventions.Blank] = []

    @Flag(name: .customLong("without-totals"), help: "The inputs hold no total rows (a panel of peer units): a missing total row is not an error.")
    var withoutTotals = false

    @Flag(name: .long, help: "Also give values for the figures error localisation names and the required figures left blank: deterministic where the rules leave one value, else last period's × the peers' median change, else a similar unit's; each with how, kept only if the unit's error rules then hold. Reported figures are never changed.")
    var impute = false

    @Flag(name: .customLong("trust-totals"), help: "With --impute: where the units do not add up to their total, keep the total (the county trusts it) and scale the units' figures to it (prorate).")
    var trustTotals = false

    var workspace: Workspace {
        var conventions = InputConventions(blanks: blank, withoutTotals: withoutTotals)
        conventions.impute = impute || trustTotals
        conventions.trustTotals = trustTotals
        return reference.workspace(targets: targets.targets, conventions: conventions)
    }
    var lang: Language { language.lang }
}

struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The history store: a SQLite file, or postgres://user@host:port/database (default: $RENJU_DB, else renju.sqlite).", valueName: "path|url"))
    var db: String?

    /// The store named on the command line or by `RENJU_DB` — the one resolution every command uses.
    var named: String? { db ?? Workspace.environmentStore }
    /// The store a command that needs one uses: as named, else `renju.sqlite` here.
    var path: String { named ?? "renju.sqlite" }
}

/// Status lines for a person on stderr, after whatever the report has written to stdout (never
/// interleaved with it), control and escape sequences from the input shown escaped.
func writeStderr(_ s: String) {
    fflush(nil)  // every output stream: the report on stdout first
    let safe = terminalSafe(s)
    FileHandle.standardError.write(Data((safe.hasSuffix("\n") ? safe : safe + "\n").utf8))
}

/// Prints text for a person (not JSON or CSV meant for programs) with control and escape
/// sequences from the input shown escaped, never obeyed by the terminal.
func say(_ s: String, terminator: String = "\n") {
    print(terminalSafe(s), terminator: terminator)
}

/// A line in the user's language.
func say(_ lang: Language, zh: String, en: String) { say(lang == .zh ? zh : en) }
func note(_ lang: Language, zh: String, en: String) { writeStderr(lang == .zh ? zh : en) }

/// One self-overwriting status line on a terminal's stderr, at most a few times a second, cleared
/// when the step is done.
enum TerminalProgress {
    private static let state = Mutex()
    final class Mutex: @unchecked Sendable { let lock = NSLock(); var last = Date.distantPast }

    @Sendable static func report(_ step: Workspace.ProgressStep, _ done: Int, _ total: Int) {
        let s = state
        s.lock.lock(); defer { s.lock.unlock() }
        let now = Date()
        guard done == total || now.timeIntervalSince(s.last) > 0.2 else { return }
        s.last = now
        let what: String
        switch step {
        case .readingFiles: what = requestedLanguage == .en ? "reading files" : "读取文件"
        case .writingCounties: what = requestedLanguage == .en ? "writing counties" : "写出县"
        }
        let line = done == total ? "\r\u{1B}[K" : "\r\(what) \(done)/\(total)\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

// Domain values as arguments: parsed once, where the command line is read; a value that does not
// parse is refused by the parser with the option's name ("The value '2025Q5' is invalid for
// '--period <period>'"), before any work.
extension Period: ExpressibleByArgument {
    public init?(argument: String) {
        guard let p = Period.parse(argument) else { return nil }
        self = p
    }
}

extension CivilDate: ExpressibleByArgument {
    public init?(argument: String) {
        guard let d = CivilDate.parse(argument) else { return nil }
        self = d
    }
}

extension UnitCode: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
