/// A map from unit codes to small integers (rows), by open addressing with a multiplicative hash.
///
/// Figures are looked up by unit millions of times when a province is checked; a unit code is a
/// 12-digit number, and hashing it with SipHash (as `Dictionary` does) cost more than the checks.
public struct UnitIndex: Sendable {
    /// Key and value side by side: one cache line per probe on a national index.
    private struct Slot { var key: UInt64; var value: Int32 }
    private var slots: [Slot]
    private var shift: UInt64
    public private(set) var count = 0

    /// Codes are at most 12 digits, so this never collides with a real code.
    private static let empty = UInt64.max

    /// Bytes of the table (its slots).
    public var allocatedBytes: Int { slots.capacity * MemoryLayout<Slot>.stride }

    public init(capacity: Int = 16) {
        var size = 16, bits: UInt64 = 4
        while size < capacity * 2 { size <<= 1; bits += 1 }
        slots = Array(repeating: Slot(key: Self.empty, value: 0), count: size)
        shift = 64 - bits
    }

    /// A code's first slot: its township part (all but the last three digits) scattered by a
    /// Fibonacci hash, plus its last three digits. The villages of a township, read one after
    /// another from one file, then sit side by side in the table — a look-up after its neighbour's
    /// finds the slot already in the cache (on a national index of 32 MiB each scattered look-up
    /// was a cache miss, the single costliest step of the checks).
    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        let high = key / 1000
        let home = (high &* 0x9E37_79B9_7F4A_7C15) >> shift
        return Int(truncatingIfNeeded: (home &+ (key &- high &* 1000)) & UInt64(slots.count - 1))
    }

    public subscript(code: UnitCode) -> Int32? {
        let key = code.value
        let mask = slots.count - 1
        var i = slot(key)
        while true {
            let s = slots[i]
            if s.key == key { return s.value }
            if s.key == Self.empty { return nil }
            i = (i + 1) & mask
        }
    }

    /// Sets the value of a code (adds it when missing).
    public mutating func set(_ code: UnitCode, _ value: Int32) {
        if (count + 1) * 2 > slots.count { grow() }
        let key = code.value
        let mask = slots.count - 1
        var i = slot(key)
        while true {
            let k = slots[i].key
            if k == key { slots[i].value = value; return }
            if k == Self.empty { slots[i] = Slot(key: key, value: value); count += 1; return }
            i = (i + 1) & mask
        }
    }

    /// Makes room for `n` codes without growing on the way.
    public mutating func reserve(_ n: Int) {
        while n * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(key: Self.empty, value: 0), count: old.count * 2)
        shift -= 1
        count = 0
        for s in old where s.key != Self.empty { set(UnitCode(value: s.key), s.value) }
    }
}
