import Foundation

/// Where uploads are read and checked: on threads of their own (never the server's cooperative
/// pool, so pages and sign-ins keep answering while a heavy workbook is read), at most `slots` at
/// once, at most `maxWaiting` queued behind them. Past that an upload is refused at once with
/// how long to wait (503 + Retry-After), so one clerk's files never hold the desk up.
actor WorkQueue {
    let slots: Int
    let maxWaiting: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private static let threads = DispatchQueue(label: "renju.desk.checks", qos: .utility, attributes: .concurrent)

    init(slots: Int, maxWaiting: Int) { self.slots = max(1, slots); self.maxWaiting = max(0, maxWaiting) }

    struct Full: Error { let retryAfter: Int }

    /// Runs `work` when a slot is free; `Full` when the queue is.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        if running >= slots {
            guard waiting.count < maxWaiting else { throw Full(retryAfter: 5 * (1 + waiting.count / slots)) }
            await withCheckedContinuation { waiting.append($0) }
        } else {
            running += 1
        }
        defer { release() }
        return try await withCheckedThrowingContinuation { c in
            Self.threads.async { c.resume(with: Result { try work() }) }
        }
    }

    /// Hands the slot to the next upload in line, or frees it.
    private func release() {
        if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
    }

    var load: (running: Int, waiting: Int) { (running, waiting.count) }
}
