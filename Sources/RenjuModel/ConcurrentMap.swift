import Foundation

extension Array where Element: Sendable {
    /// `map` on every core, the results in the array's order. Elements are taken in chunks (one
    /// element a chunk for short lists such as the checks, thousands for a divisions file), or
    /// `perTask` at a time: one for elements that each take long and unevenly (a folder's files),
    /// so that no core is left with a large last chunk while the others wait.
    public func concurrentMap<T: Sendable>(perTask: Int? = nil, _ transform: @Sendable (Element) -> T) -> [T] {
        let n = count
        guard n > 1 else { return map(transform) }
        let chunkSize = Swift.max(1, perTask ?? n / (ProcessInfo.processInfo.activeProcessorCount * 16))
        let chunks = (n + chunkSize - 1) / chunkSize
        let results = ChunkResults<T>(chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lo = c * chunkSize, hi = Swift.min(n, lo + chunkSize)
            results.put(c, self[lo..<hi].map(transform))
        }
        return results.joined
    }
}

/// The chunks' results, each put once by the worker that made it.
private final class ChunkResults<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [[T]]
    init(_ chunks: Int) { parts = Array(repeating: [], count: chunks) }
    func put(_ chunk: Int, _ part: [T]) { lock.lock(); parts[chunk] = part; lock.unlock() }
    var joined: [T] { lock.lock(); defer { lock.unlock() }; return parts.flatMap { $0 } }
}

/// A value another thread is making: asked for, it is waited for (once given, it is answered at
/// once). For work that starts before something it rarely needs is ready — files read while the
/// divisions list they name units from is still loading.
public final class Pending<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var made: Value?

    /// A value still being made: `fulfil` gives it.
    public init() {}
    /// A value already there.
    public init(_ value: Value) { made = value }

    /// Gives the value (the first given is kept) and wakes whoever waits for it.
    public func fulfil(_ value: Value) {
        condition.lock()
        if made == nil { made = value }
        condition.broadcast()
        condition.unlock()
    }

    /// The value, once given.
    public var value: Value {
        condition.lock(); defer { condition.unlock() }
        while true {
            if let made { return made }
            condition.wait()
        }
    }
}

/// A value made on a thread of its own, waited for when asked for. A thread of its own, not the
/// shared pool: a caller that is itself one of the pool's threads (the desk checks uploads side
/// by side) must not wait for a pool that is full.
public final class InBackground<T: Sendable>: Sendable {
    private let made = Pending<T>()

    public init(_ make: @escaping @Sendable () -> T) {
        let made = self.made
        let thread = Thread { made.fulfil(make()) }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The value, once made.
    public var value: T { made.value }
}
