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

    /// The other units' figures of the same period that a submission is checked among (peers of
    /// the outlier tests, the rest of its county): the latest version of every other unit's upload
    /// in the county not sent back, and for units with none, the figures the store holds.
    func context(of stored: StoredSubmission, excluding own: Set<UnitCode>, frame: Frame) async throws -> [Submission] {
        let county = scope(of: stored.unit), tree = reference.tree
        var out: [Submission] = []
        var covered = own
        for other in try await latest(period: stored.period).values.sorted(by: { $0.unit < $1.unit })
        where other.id != stored.id && other.state != .returned && !own.contains(other.unit)
            && (other.unit == county || tree.isAncestor(county, of: other.unit)) {
            let subs = try await read(other).input.submissions.filter { $0.period == stored.period && $0.unitCodes.allSatisfy { !covered.contains($0) } }
            for s in subs { covered.formUnion(s.unitCodes) }
            out += subs
        }
        for (top, sub) in frame.stored where !covered.contains(top) {
            if sub.unitCodes.contains(where: { covered.contains($0) }) {
                // Partly covered by an upload: only the rest.
                var rest = Submission(file: sub.file, period: sub.period)
                for r in sub.rows where !covered.contains(r.code) {
                    rest.rows.append(r)
                    for (id, v) in sub.values.figures(of: r.code) { rest.values.set(r.code, id, Observation(v, source: nil)) }
                }
                out.append(rest)
            } else {
                out.append(sub)
            }
        }
        return out
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
    func submission(_ stored: StoredSubmission) async throws -> DeskSubmission {
        let key = ValidationCache.Key(id: stored.id, generation: cache.generation)
        if let hit = cache.get(key) { return hit }
        // A hundred board views arriving together check each version once, not a hundred times.
        return try await checking.run("\(key.id)|\(key.generation)") { try await self.checkedSubmission(stored, key: key) }
    }

    private func checkedSubmission(_ stored: StoredSubmission, key: ValidationCache.Key) async throws -> DeskSubmission {
        if let hit = cache.get(key) { return hit }
        let explanations = try await store.explanations(submission: stored.id)
        let signOffs = try await store.signOffs(submission: stored.id)
        let p = try await prepared(stored)
        let path = p.path, own = p.input
        let ownUnits = Set(own.submissions.filter { $0.period == stored.period }.flatMap(\.unitCodes))
        let frame = try await frame(period: stored.period, county: scope(of: stored.unit))
        var input = own
        input.explanations += explanations
        input.signOffs += signOffs
        input.submissions += try await context(of: stored, excluding: ownUnits, frame: frame)
        let checked = workspace.check(input, reference: reference, period: stored.period, history: frame.history, asOf: today, localiser: localiser)
        // This file's findings: its units', and those of the file itself. A role not yet signed is
        // where the version stands on the desk (the board says who is to sign), not an error.
        let tree = reference.tree, fileName = URL(fileURLWithPath: path).lastPathComponent
        var mine = checked.result.findings.filter { f in
            f.rule != SignOffCheck.missingRole
                && (f.unit.map { ownUnits.contains($0) || $0 == stored.unit || tree.isAncestor(stored.unit, of: $0) }
                    ?? (f.source?.file == path || f.source?.file == fileName))
        }
        mine += otherPeriodFindings(p, stored: stored, history: frame.history)
        mine += declaredFindings(p.declared, desk: signOffs, stored: stored)
        var result = ValidationResult(period: checked.result.period, findings: Validator.ordered(mine).map { Self.renamed($0, from: path, to: stored.filename) },
                                      // The file's own submissions come first among the checked period's (the
                                      // county's others follow and are never shown as this file's).
                                      submissions: Array(checked.result.submissions.prefix(own.submissions.filter { $0.period == stored.period }.count)),
                                      history: checked.result.history, unitsChecked: ownUnits.count)
        result.tallies = checked.result.tallies; result.filesRead = 1; result.coverage = checked.result.coverage
        let v = Workspace.Validation(reference: checked.reference, input: own, result: result)
        let digest = own.submissions.first { $0.period == stored.period }.flatMap { ContentDigest.of($0) }
        let latest = try await self.latest(period: stored.period)[stored.unit]?.version ?? stored.version
        let s = DeskSubmission(stored: stored, validation: v, digest: digest, signOffs: signOffs, declaredSignOffs: p.declared,
                               explanations: explanations, isLatest: stored.version >= latest)
        cache.put(key, s)
        return s
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
