import Foundation
import RenjuModel
import RenjuReference
import RenjuChecks
import RenjuStore
import RenjuStoreCore
import RenjuReading
import RenjuInspection
import RenjuRanking

/// Checked submissions by id, the stores' frames by period and county, and files as read by
/// their digest. Every desk write starts a new generation: what was checked before is checked again
/// (a frame stays: desk writes do not change the stored figures).
/// One computation per key at a time: a caller arriving while it runs waits for the same result
/// instead of starting its own (the board's first view by a hundred readers at once).
actor SingleFlight<Value: Sendable> {
    private var running: [String: Task<Value, any Error>] = [:]

    func run(_ key: String, _ work: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let task = running[key] { return try await task.value }
        let task = Task { try await work() }
        running[key] = task
        defer { running[key] = nil }
        return try await task.value
    }
}

/// One computation per key that covers every write up to a generation. A caller that needs the
/// writes up to generation `g` joins the run under way when it has not begun yet or began at `g`
/// or later, and otherwise the next run, which starts when the one under way ends — one next run
/// for all who wait. The work calls `begin` when it begins (after waiting its turn in a line, say)
/// and is told the generation it began at: everything written before it is seen.
actor Coalescing<Key: Hashable & Sendable, Value: Sendable> {
    typealias Begin = @Sendable () async -> Int
    private var running: [Key: (run: Int, generation: Int?, task: Task<Value, any Error>)] = [:]
    private var next: [Key: Task<Value, any Error>] = [:]
    private var runs = 0
    private let generation: @Sendable () -> Int

    init(generation: @escaping @Sendable () -> Int) { self.generation = generation }

    func run(_ key: Key, covering g: Int, _ work: @escaping @Sendable (_ begin: @escaping Begin) async throws -> Value) async throws -> Value {
        if let r = running[key], r.generation.map({ $0 >= g }) ?? true { return try await r.task.value }
        if let n = next[key] { return try await n.value }
        guard let previous = running[key]?.task else { return try await start(key, work).value }
        let task = Task { () async throws -> Value in
            _ = try? await previous.value
            return try await self.start(key, work).value
        }
        next[key] = task
        return try await task.value
    }

    /// How many runs were started (coalesced requests share them).
    var started: Int { runs }

    private func start(_ key: Key, _ work: @escaping @Sendable (_ begin: @escaping Begin) async throws -> Value) -> Task<Value, any Error> {
        next[key] = nil
        runs += 1
        let run = runs
        let task = Task { () async throws -> Value in
            do {
                let v = try await work { await self.began(key, run) }
                self.finished(key, run)
                return v
            } catch {
                self.finished(key, run)
                throw error
            }
        }
        running[key] = (run, nil, task)
        return task
    }

    private func began(_ key: Key, _ run: Int) -> Int {
        let g = generation()
        if running[key]?.run == run { running[key]?.generation = g }
        return g
    }

    private func finished(_ key: Key, _ run: Int) {
        if running[key]?.run == run { running[key] = nil }
    }
}

final class ValidationCache: @unchecked Sendable {
    struct Key: Hashable { let id: Int64; let generation: Int }
    private var entries: [Int64: (Key, DeskSubmission)] = [:]
    private var frames: [String: Desk.Frame] = [:]
    private var inputs: [String: (path: String, input: InputSet)] = [:]
    private var current = 0
    private let lock = NSLock()
    var generation: Int { lock.withLock { current } }
    func bump() { lock.withLock { current += 1; entries.removeAll() } }
    /// A new generation after an upload: the period's latest versions, if known, are carried over
    /// with the new version in them (the upload changes nothing else of them) — three hundred
    /// clerks uploading in the same minute do not each read the period's submissions again.
    /// Sound under races: a list put for an older generation is refused, and a list that already
    /// holds the upload (read after it was stored) gets the same entry again.
    func bump(adding s: StoredSubmission) {
        lock.withLock {
            let carried = latestVersions[s.period].flatMap { $0.generation == current ? $0.versions : nil }
            current += 1
            entries.removeAll()
            guard var versions = carried else { return }
            if (versions[s.unit]?.version ?? 0) < s.version { versions[s.unit] = s }
            latestVersions[s.period] = (current, versions)
        }
    }
    func get(_ k: Key) -> DeskSubmission? { lock.withLock { entries[k.id].flatMap { $0.0 == k ? $0.1 : nil } } }
    func put(_ k: Key, _ s: DeskSubmission) { lock.withLock { if k.generation == current { entries[k.id] = (k, s) } } }
    private var boards: [String: (generation: Int, lines: [BoardLine])] = [:]
    func board(_ k: String, generation: Int) -> [BoardLine]? { lock.withLock { boards[k].flatMap { $0.generation == generation ? $0.lines : nil } } }
    func putBoard(_ k: String, generation: Int, _ lines: [BoardLine]) { lock.withLock { if generation == current { boards[k] = (generation, lines) } } }
    private var latestVersions: [Period: (generation: Int, versions: [UnitCode: StoredSubmission])] = [:]
    func latest(_ p: Period, generation: Int) -> [UnitCode: StoredSubmission]? {
        lock.withLock { latestVersions[p].flatMap { $0.generation == generation ? $0.versions : nil } }
    }
    func putLatest(_ p: Period, generation: Int, _ v: [UnitCode: StoredSubmission]) {
        lock.withLock { if generation == current { latestVersions[p] = (generation, v) } }
    }
    /// The periods the store holds, for the period switch: kept for a generation and at most a
    /// minute (an import from the command line does not start a generation).
    private var knownPeriods: (generation: Int, at: Date, periods: [Period])?
    func periods(generation: Int, now: Date) -> [Period]? {
        lock.withLock { knownPeriods.flatMap { $0.generation == generation && now.timeIntervalSince($0.at) < 60 ? $0.periods : nil } }
    }
    func putPeriods(_ p: [Period], generation: Int, now: Date) { lock.withLock { if generation == current { knownPeriods = (generation, now, p) } } }
    func frame(_ k: String) -> Desk.Frame? { lock.withLock { frames[k] } }
    func putFrame(_ k: String, _ f: Desk.Frame) { lock.withLock { frames[k] = f } }
    func input(_ sha: String) -> (path: String, input: InputSet)? { lock.withLock { inputs[sha] } }
    func putInput(_ sha: String, _ v: (path: String, input: InputSet)) {
        lock.withLock {
            if inputs.count >= 512 { inputs.removeAll(keepingCapacity: true) }  // bounded: read again when needed
            inputs[sha] = v
        }
    }
}
