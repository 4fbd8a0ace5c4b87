import Foundation

/// Where uploads are read and checked: on threads of their own (never the server's cooperative
/// pool, so pages and sign-ins keep answering while a heavy workbook is read), at most `slots` at
/// once; the rest wait in line, at most `maxWaiting` of them holding at most `maxWaitingBytes` of
/// uploaded files between them (a prefecture's 300 clerks sending their returns in the same minute
/// all wait their turn; a flood of large files does not fill the memory). Past that an upload is
/// refused at once with how long to wait (503 + Retry-After), so one clerk's files never hold the
/// desk up. The checks of stored uploads wait in the same line and are never refused: an upload
/// whose file is stored is answered (see `Desk.submission`).
public actor WorkQueue {
    let slots: Int
    let maxWaiting: Int
    let maxWaitingBytes: Int
    private var running = 0
    private var waiting: [(bytes: Int, resume: CheckedContinuation<Void, Never>)] = []
    private var waitingBytes = 0
    private static let threads = DispatchTaskExecutor(DispatchQueue(label: "renju.desk.checks", qos: .utility, attributes: .concurrent))

    public init(slots: Int, maxWaiting: Int, maxWaitingBytes: Int = 256 * 1_048_576) {
        self.slots = max(1, slots); self.maxWaiting = max(0, maxWaiting); self.maxWaitingBytes = max(0, maxWaitingBytes)
    }

    public struct Full: Error { public let retryAfter: Int }

    /// Runs `work` (on an upload of `bytes`) when a slot is free; `Full` when the line is, unless
    /// `refusable` is false (it then waits whatever the line).
    public func run<T: Sendable>(bytes: Int = 0, refusable: Bool = true, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        if running >= slots {
            guard !refusable || (waiting.count < maxWaiting && waitingBytes + bytes <= maxWaitingBytes) else {
                throw Full(retryAfter: 5 * (1 + waiting.count / (slots * 8)))
            }
            waitingBytes += bytes
            await withCheckedContinuation { waiting.append((bytes, $0)) }
        } else {
            running += 1
        }
        defer { release() }
        // The work's own code runs on the check threads; while it waits for the store it holds none.
        return try await Self.runOnCheckThreads(work)
    }

    private nonisolated static func runOnCheckThreads<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withTaskExecutorPreference(threads) { try await work() }
    }

    /// Hands the slot to the next upload in line, or frees it.
    private func release() {
        if waiting.isEmpty { running -= 1; return }
        let next = waiting.removeFirst()
        waitingBytes -= next.bytes
        next.resume.resume()
    }

    public var load: (running: Int, waiting: Int) { (running, waiting.count) }
}

/// A task executor on a dispatch queue: the jobs of a task that prefers it run on the queue's
/// threads instead of the cooperative pool (Swift 6 task executors, SE-0417).
final class DispatchTaskExecutor: TaskExecutor, @unchecked Sendable {
    let queue: DispatchQueue
    init(_ queue: DispatchQueue) { self.queue = queue }
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
