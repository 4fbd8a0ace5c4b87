import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuReading
import RenjuInspection
import RenjuRanking

// The desk's use cases: a stored version checked against the store's figures and the county's other uploads.
extension Desk {

    /// A submission by id, for an account allowed to read it.
    public func submission(id: Int64, for grant: Grant<Permit.Read>) async throws -> DeskSubmission {
        let account = grant.account
        guard let stored = try await store.submission(id: id) else {
            throw DeskError.notFound(Message(zh: "没有编号为 \(id) 的报表", en: "no submission \(id)"))
        }
        // Outside the account's units it is as if it did not exist: ids of others' uploads tell nothing.
        guard DeskPolicy.inScope(stored.unit, of: account, tree: reference.tree) else {
            throw DeskError.notFound(Message(zh: "没有编号为 \(id) 的报表", en: "no submission \(id)"))
        }
        return try await submission(stored)
    }

    /// What a stored file reads as (cached by its SHA-256: a file never changes).
    func read(_ stored: StoredSubmission) async throws -> (path: String, input: InputSet) {
        if let hit = cache.input(stored.sha256) { return hit }
        guard let bytes = try await store.file(sha256: stored.sha256) else {
            throw DeskError.notFound(Message(zh: "报表 \(stored.id) 的文件缺失", en: "the file of submission \(stored.id) is missing"))
        }
        let path = try scratchFile(sha256: stored.sha256, bytes: bytes)
        let input = try workspace.read([path], reference: reference)
        cache.putInput(stored.sha256, (path, input))
        return (path, input)
    }

    /// The county (or higher unit) whose figures a unit is checked among: its nearest ancestor
    /// at county level or above.
    func scope(of unit: UnitCode) -> UnitCode {
        let tree = reference.tree
        var u = unit
        while let l = tree.level(of: u), l > .county, let p = tree.parent(of: u) { u = p }
        return u
    }

    /// What the store holds around a county for a period, built once until the next desk write:
    /// its figures of the period, a submission per township, and the earlier periods as history.
    struct Frame: Sendable {
        let stored: [(top: UnitCode, submission: Submission)]
        let history: Dataset
    }

    func frame(period: Period, county: UnitCode) async throws -> Frame {
        let key = "\(period)|\(county)"
        if let hit = cache.frame(key) { return hit }
        let tree = reference.tree
        // The county's own units only (its divisions' list): a province's store holds half a million.
        // (And the codes their history was reported under before a division change.)
        let own = [county] + tree.descendants(of: county)
        let units = own + reference.changes.predecessors(of: own)
        let earlier = try await store.dataset(periods: Workspace.historyPeriods(for: period, depth: Workspace.historyDepth(for: period, reference: reference)) + [period],
                                              units: own.count > 1 ? units : nil)
        var history = Dataset()
        for (p, v) in earlier.periods where p < period { history.merge(p, v) }
        var groups: [UnitCode: [UnitCode]] = [:]
        if let stock = earlier.periods[period] {
            for u in stock.units where u == county || tree.isAncestor(county, of: u) {
                var top = u
                while let p = tree.parent(of: top), tree.level(of: p).map({ $0 >= .township }) == true { top = p }
                groups[top, default: []].append(u)
            }
            let subs = groups.sorted(by: { $0.key < $1.key }).map { top, units -> (UnitCode, Submission) in
                var sub = Submission(file: "\(store.path)#\(period)/\(top)", period: period)
                for u in units.sorted() {
                    sub.rows.append(UnitRow(code: u, givenName: nil, source: nil))
                    for (id, v) in stock.figures(of: u) { sub.values.set(u, id, Observation(v, source: nil)) }
                }
                return (top, sub)
            }
            let f = Frame(stored: subs, history: history)
            cache.putFrame(key, f)
            return f
        }
        let f = Frame(stored: [], history: history)
        cache.putFrame(key, f)
        return f
    }

    /// A stored file as the desk checks it: the submissions of its own period only, without the
    /// workbook's own 签字 (declared, not signed on the desk), and what it holds besides — sheets of
    /// other periods (never history: earlier periods come from the store) and the declared sign-offs.
    struct Prepared {
        let path: String
        let input: InputSet
        let declared: [SignOff]
        let otherPeriods: [Submission]
    }

    func prepared(_ stored: StoredSubmission) async throws -> Prepared {
        let (path, read) = try await read(stored)
        var input = read
        let declared = input.signOffs + input.submissions.flatMap(\.signOffs)
        input.signOffs = []
        let others = input.submissions.filter { $0.period != nil && $0.period != stored.period }
        input.submissions = input.submissions.filter { $0.period == nil || $0.period == stored.period }
        for i in input.submissions.indices { input.submissions[i].signOffs = [] }
        return Prepared(path: path, input: input, declared: declared, otherPeriods: others)
    }

    /// Reads and checks a stored submission among its county's other figures of the period; its
    /// own findings only. Cached until the next desk write (upload, 说明, sign-off, 退回).
    ///
    /// A unit's latest version is checked with its whole county at once: one check of the county's
    /// latest versions answers for each of them (what any one of them is checked among is the same
    /// county), and the requests that arrive while it runs share the next one — thirty clerks of a
    /// county uploading in the same second cost the desk two or three checks, not thirty. A version
    /// the county check does not cover (superseded, sent back) is checked on its own, among the
    /// county's latest versions of the other units.
    ///
    /// `line`: the county's check waits its turn there (behind the uploads already in it, whose
    /// versions it then covers too); without it, it runs at once.
    func submission(_ stored: StoredSubmission, in line: WorkQueue? = nil) async throws -> DeskSubmission {
        let generation = cache.generation
        let key = ValidationCache.Key(id: stored.id, generation: generation)
        if let hit = cache.get(key) { return hit }
        if stored.state != .returned, try await latest(period: stored.period)[stored.unit]?.id == stored.id {
            let county = scope(of: stored.unit), period = stored.period
            let checked = try await countyChecking.run(CountyRun(period: period, county: county), covering: generation) { begin in
                let work = { @Sendable () async throws -> [Int64: DeskSubmission] in
                    try await self.checkedCounty(period: period, county: county, generation: await begin())
                }
                // Never refused: the upload it answers is stored.
                if let line { return try await line.run(refusable: false, work) }
                return try await work()
            }
            if let hit = checked[stored.id] { return hit }
        }
        // A hundred board views arriving together check each version once, not a hundred times.
        return try await checking.run("\(key.id)|\(key.generation)") { try await self.checkedVersion(stored, key: key) }
    }

    /// A county's check of a period, shared (see `submission`).
    struct CountyRun: Hashable, Sendable {
        let period: Period
        let county: UnitCode
    }

    /// Every latest version of a county's units that is not sent back, checked together: each
    /// version's answer by its id. Empty when two versions hold figures of the same unit (each is
    /// then checked on its own, its figures first).
    private func checkedCounty(period: Period, county: UnitCode, generation: Int) async throws -> [Int64: DeskSubmission] {
        let latest = try await latest(period: period), tree = reference.tree
        let versions = latest.values.filter { $0.state != .returned && ($0.unit == county || tree.isAncestor(county, of: $0.unit)) }
        let out = try await check(versions, answering: nil, period: period, county: county, latest: latest)
        for (id, s) in out { cache.put(ValidationCache.Key(id: id, generation: generation), s) }
        return out
    }

    /// One version checked on its own: its own figures first, then the county's latest versions
    /// of the other units (not sent back), then the store's figures for the rest.
    func checkedVersion(_ stored: StoredSubmission, key: ValidationCache.Key) async throws -> DeskSubmission {
        if let hit = cache.get(key) { return hit }
        let latest = try await latest(period: stored.period), tree = reference.tree
        let county = scope(of: stored.unit)
        let others = latest.values.filter { $0.id != stored.id && $0.unit != stored.unit && $0.state != .returned
            && ($0.unit == county || tree.isAncestor(county, of: $0.unit)) }
        let out = try await check([stored] + others, answering: stored, period: stored.period, county: county, latest: latest)
        guard let s = out[stored.id] else {
            throw DeskError.notFound(Message(zh: "报表 \(stored.id) 无法审核", en: "submission \(stored.id) could not be checked"))
        }
        cache.put(key, s)
        return s
    }

    /// Checks versions of a county's units together with the store's figures of its other units,
    /// in unit order, and answers for `answering` (whose figures come before any other version's
    /// of the same units) or, without it, for every version. Each answer holds the findings of the
    /// version's own units and file; what a version's 说明 and sign-offs say reaches its own
    /// findings only.
    private func check(_ versions: [StoredSubmission], answering focus: StoredSubmission?, period: Period, county: UnitCode,
                       latest: [UnitCode: StoredSubmission]) async throws -> [Int64: DeskSubmission] {
        struct Part {
            let stored: StoredSubmission
            let prepared: Prepared
            let explanations: [Explanation]
            let signOffs: [SignOff]
            let units: Set<UnitCode>
            var first = 0, count = 0
        }
        func ownUnits(_ p: Prepared) -> Set<UnitCode> { Set(p.input.submissions.filter { $0.period == period }.flatMap(\.unitCodes)) }
        var parts: [Part] = []
        for v in versions.sorted(by: { ($0.unit, $0.id) < ($1.unit, $1.id) }) {
            let p = try await prepared(v)
            parts.append(Part(stored: v, prepared: p, explanations: try await store.explanations(submission: v.id),
                              signOffs: try await store.signOffs(submission: v.id), units: ownUnits(p)))
        }
        var covered = Set<UnitCode>()
        if let focus, let f = parts.first(where: { $0.stored.id == focus.id }) { covered = f.units }
        var input = InputSet(), position = 0
        for i in parts.indices {
            let part = parts[i], answered = focus.map { $0.id == part.stored.id } ?? true
            var subs = part.prepared.input.submissions
            if answered {
                // The version's own file whole.
                if focus == nil {
                    guard subs.allSatisfy({ $0.period != period || $0.unitCodes.allSatisfy { !covered.contains($0) } }) else { return [:] }
                    for s in subs where s.period == period { covered.formUnion(s.unitCodes) }
                }
            } else {
                // Another unit's version: its figures of the period that no earlier file gave.
                subs = subs.filter { $0.period == period && $0.unitCodes.allSatisfy { !covered.contains($0) } }
                for s in subs { covered.formUnion(s.unitCodes) }
            }
            // Each file's own findings and 说明, and the desk's 说明 and sign-offs of each version:
            // they speak of the version's own units only.
            input.findings += part.prepared.input.findings
            input.explanations += part.prepared.input.explanations + part.explanations
            input.signOffs += part.signOffs
            parts[i].first = position
            parts[i].count = subs.filter { $0.period == period }.count
            position += parts[i].count
            input.submissions += subs
        }
        let frame = try await frame(period: period, county: county)
        for (top, sub) in frame.stored where !covered.contains(top) {
            if sub.unitCodes.contains(where: { covered.contains($0) }) {
                // Partly covered by an upload: only the rest.
                var rest = Submission(file: sub.file, period: sub.period)
                for r in sub.rows where !covered.contains(r.code) {
                    rest.rows.append(r)
                    for (id, v) in sub.values.figures(of: r.code) { rest.values.set(r.code, id, Observation(v, source: nil)) }
                }
                input.submissions.append(rest)
            } else {
                input.submissions.append(sub)
            }
        }
        let checked = workspace.check(input, reference: reference, period: period, history: frame.history, asOf: today, localiser: localiser)
        let tree = reference.tree
        var out: [Int64: DeskSubmission] = [:]
        for part in parts where focus.map({ $0.id == part.stored.id }) ?? true {
            let stored = part.stored, path = part.prepared.path, fileName = URL(fileURLWithPath: path).lastPathComponent
            // This file's findings: its units', and those of the file itself. A role not yet signed is
            // where the version stands on the desk (the board says who is to sign), not an error.
            var mine = checked.result.findings.filter { f in
                f.rule != SignOffCheck.missingRole
                    && (f.unit.map { part.units.contains($0) || $0 == stored.unit || tree.isAncestor(stored.unit, of: $0) }
                        ?? (f.source?.file == path || f.source?.file == fileName))
            }
            mine += otherPeriodFindings(part.prepared, stored: stored, history: frame.history)
            mine += declaredFindings(part.prepared.declared, desk: part.signOffs, stored: stored)
            let own = checked.result.submissions.dropFirst(part.first).prefix(part.count)
            var result = ValidationResult(period: checked.result.period, findings: Validator.ordered(mine).map { Self.renamed($0, from: path, to: stored.filename) },
                                          submissions: Array(own), history: checked.result.history, unitsChecked: part.units.count)
            result.tallies = checked.result.tallies; result.filesRead = 1; result.coverage = checked.result.coverage
            let v = Workspace.Validation(reference: checked.reference, input: part.prepared.input, result: result)
            let digest = part.prepared.input.submissions.first { $0.period == period }.flatMap { ContentDigest.of($0) }
            out[stored.id] = DeskSubmission(stored: stored, validation: v, digest: digest, signOffs: part.signOffs, declaredSignOffs: part.prepared.declared,
                                            explanations: part.explanations, isLatest: stored.version >= (latest[stored.unit]?.version ?? stored.version))
        }
        return out
    }

    /// Sheets of other periods in an upload are not history: the store's figures are. A figure
    /// that differs from the store's is a warning the county sees, naming both values; figures of
    /// periods the store does not hold are said to be left aside, once.
    func otherPeriodFindings(_ p: Prepared, stored: StoredSubmission, history: Dataset) -> [Finding] {
        var out: [Finding] = []
        var ignored: [Period: Int] = [:]
        for s in p.otherPeriods {
            guard let period = s.period else { continue }
            let kept = history[period]
            for row in s.rows {
                for ind in reference.catalog.indicators {
                    guard let o = s.values.observation(row.code, ind.id) else { continue }
                    guard let known = kept?[row.code, ind.id] else { ignored[period, default: 0] += 1; continue }
                    guard abs(known - o.value) > 1e-9 else { continue }
                    let name = reference.tree.name(of: row.code) ?? row.code.rawValue
                    var f = Finding(rule: .historyConflict, severity: .warning, unit: row.code, unitName: name, period: stored.period,
                                    indicator: ind.id, value: o.value, expected: known, message: Message(
                        zh: "上传文件中 \(period) 的\(ind.name)是 \(shortestDecimal(o.value))，系统库中已入库的 \(period) 数字是 \(shortestDecimal(known))：以前各期以库中为准，文件中的不予采用，请核实",
                        en: "The upload gives \(ind.englishName) for \(period) as \(shortestDecimal(o.value)); the store holds \(shortestDecimal(known)): earlier periods come from the store, the file's figure is not used"),
                        source: o.source)
                    f.source = o.source.map { Self.renamed($0, from: p.path, to: stored.filename) }
                    out.append(f)
                }
            }
        }
        for (period, n) in ignored.sorted(by: { $0.key < $1.key }) {
            out.append(Finding(rule: .historyConflict, severity: .info, unit: nil, period: stored.period, message: Message(
                zh: "上传文件中有 \(period) 的 \(n) 个数字，系统库中没有该期数据，已忽略：以前各期的数据以系统库中为准（由县统计局入库）",
                en: "The upload holds \(n) figures of \(period), a period the store does not hold; they were left aside: earlier periods come from the store"),
                source: SourceRef(file: stored.filename)))
        }
        return out
    }

    /// The workbook's own 签字 compared with the desk's sign-offs: a role signed on the desk by
    /// someone else than the file names is a warning (not a conflict: the desk's signature is the
    /// sign-off; the file only declares).
    func declaredFindings(_ declared: [SignOff], desk: [SignOff], stored: StoredSubmission) -> [Finding] {
        guard !declared.isEmpty, !desk.isEmpty, let level = reference.tree.level(of: stored.unit),
              let chain = reference.chains.chains[level] else { return [] }
        var out: [Finding] = []
        for role in chain {
            guard let d = desk.first(where: { role.matches($0.role) }),
                  let f = declared.first(where: { $0.unit == stored.unit && role.matches($0.role) }),
                  TextNormalizer.key(d.name) != TextNormalizer.key(f.name) else { continue }
            out.append(Finding(rule: SignOffCheck.declared, severity: .warning, unit: stored.unit, unitName: reference.tree.name(of: stored.unit),
                               period: stored.period, message: Message(
                zh: "文件中声明的\(role.role)是“\(f.name)”，在系统上签批的却是“\(d.name)”：请核实由谁审核",
                en: "The file declares \(f.name) as \(role.role), but \(d.name) signed on the desk: check who reviewed it"),
                source: SourceRef(file: stored.filename)))
        }
        return out
    }
}
