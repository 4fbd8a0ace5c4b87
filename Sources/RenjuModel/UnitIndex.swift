/// A map from unit codes to small integers (rows), by open addressing with a multiplicative hash.
///
/// Figures are looked up by unit millions of times when a province is checked; a unit code is a
/// 12-digit number, and hashing it with SipHash (as `Dictionary` does) cost more than the checks.
public struct UnitIndex: Sendable {
    /// A slot is one word: the code (< 10¹² < 2⁴⁰) in the high 40 bits, the value in the low 24
    /// (two's complement). A national index is 16 MiB, not 32, and a probe reads 8 bytes. A value
    /// outside ±2²³ (a table of more than 8 million rows) is marked and kept in `farValues`.
    private var slots: [UInt64]
    private var shift: UInt64
    public private(set) var count = 0
    private var farValues: [UInt64: Int32] = [:]
    /// Keys that do not fit 40 bits (no unit code does), kept aside.
    private var outside: [UInt64: Int32] = [:]

    /// Codes are at most 12 digits, so this never collides with a real code.
    private static let empty = UInt64.max
    private static let keyLimit: UInt64 = (1 << 40) - 1
    private static let far: UInt64 = 0x80_0000

    @inline(__always)
    private static func pack(_ key: UInt64, _ value: Int32) -> (slot: UInt64, far: Bool) {
        if value > -0x80_0000 && value < 0x80_0000 { return (key << 24 | UInt64(truncatingIfNeeded: value) & 0xFF_FFFF, false) }
        return (key << 24 | far, true)
    }

    @inline(__always)
    private static func unpack(_ slot: UInt64) -> Int32 {
        Int32(truncatingIfNeeded: Int64(bitPattern: slot << 40) >> 40)
    }

    /// Bytes of the table (its slots).
    public var allocatedBytes: Int { slots.capacity * MemoryLayout<UInt64>.stride }

    public init(capacity: Int = 16) {
        var size = 16, bits: UInt64 = 4
        while size < capacity * 2 { size <<= 1; bits += 1 }
        slots = Array(repeating: Self.empty, count: size)
        shift = 64 - bits
    }

    /// A code's first slot: its township part (all but the last three digits) scattered by a
    /// Fibonacci hash, plus its last three digits. The villages of a township, read one after
    /// another from one file, then sit side by side in the table — a look-up after its neighbour's
    /// finds the slot already in the cache (on a national index of 16 MiB each scattered look-up
    /// was a cache miss, the single costliest step of the checks).
    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        let high = key / 1000
        let home = (high &* 0x9E37_79B9_7F4A_7C15) >> shift
        return Int(truncatingIfNeeded: (home &+ (key &- high &* 1000)) & UInt64(slots.count - 1))
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: UInt64) -> Int {
        let mask = slots.count - 1
        var i = slot(key)
        while true {
            let s = slots[i]
            if s >> 24 == key || s == Self.empty { return i }
            i = (i + 1) & mask
        }
    }

    /// The value in a slot that holds a key.
    @inline(__always)
    private func value(at i: Int, _ key: UInt64) -> Int32? {
        let v = Self.unpack(slots[i])
        return v == -0x80_0000 ? farValues[key] : v
    }

    public subscript(code: UnitCode) -> Int32? {
        let key = code.value
        if key >= Self.keyLimit { return outside[key] }
        let i = probe(key)
        return slots[i] == Self.empty ? nil : value(at: i, key)
    }

    /// Sets the value of a code (adds it when missing).
    public mutating func set(_ code: UnitCode, _ value: Int32) {
        let key = code.value
        if key >= Self.keyLimit {
            if outside.updateValue(value, forKey: key) == nil { count += 1 }
            return
        }
        if (count + 1) * 2 > slots.count { grow() }
        let (packed, isFar) = Self.pack(key, value)
        if isFar { farValues[key] = value } else if !farValues.isEmpty { farValues[key] = nil }
        let i = probe(key)
        if slots[i] == Self.empty { count += 1 }
        slots[i] = packed
    }

    /// The value of a code already there (left as it is), or nil after adding the code with
    /// `value`: one probe for a look-up and an insertion.
    public mutating func insert(_ code: UnitCode, _ value: Int32) -> Int32? {
        let key = code.value
        if key >= Self.keyLimit {
            if let old = outside[key] { return old }
            outside[key] = value; count += 1
            return nil
        }
        if (count + 1) * 2 > slots.count { grow() }
        let i = probe(key)
        if slots[i] != Self.empty { return self.value(at: i, key) }
        let (packed, isFar) = Self.pack(key, value)
        if isFar { farValues[key] = value }
        slots[i] = packed; count += 1
        return nil
    }

    /// Makes room for `n` codes without growing on the way.
    public mutating func reserve(_ n: Int) {
        while n * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Self.empty, count: old.count * 2)
        shift -= 1
        count = outside.count
        for s in old where s != Self.empty {
            let key = s >> 24
            // The value moves as packed (a far one stays in `farValues`).
            let mask = slots.count - 1
            var i = slot(key)
            while slots[i] != Self.empty { i = (i + 1) & mask }
            slots[i] = s
            count += 1
        }
    }
}
