import Foundation
import Crypto
import RenjuModel

/// A signed-in browser or client: the account's login, the CSRF token every state-changing
/// request must carry, and when it lapses.
struct Session: Sendable {
    let token: String
    let login: String
    let csrf: String
    var expires: Date
    var uploads: [Date] = []
}

/// Server-side sessions by random token (256 bits), idle for at most `lifetime`.
actor SessionStore {
    private var sessions: [String: Session] = [:]
    let lifetime: TimeInterval

    init(lifetime: TimeInterval) { self.lifetime = lifetime }

    static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &g) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    func open(login: String, now: Date = Date()) -> Session {
        let s = Session(token: Self.randomToken(), login: login, csrf: Self.randomToken(), expires: now.addingTimeInterval(lifetime))
        sessions[s.token] = s
        if sessions.count > 10_000 { sessions = sessions.filter { $0.value.expires > now } }
        return s
    }

    /// The live session of a token, its lifetime renewed.
    func session(_ token: String, now: Date = Date()) -> Session? {
        guard var s = sessions[token] else { return nil }
        guard s.expires > now else { sessions[token] = nil; return nil }
        s.expires = now.addingTimeInterval(lifetime)
        sessions[token] = s
        return s
    }

    func close(_ token: String) { sessions[token] = nil }

    private var lookUps: [String: Date] = [:]
    /// At most one look-up every `every` seconds for a key (bounded: the table is cleared when full).
    func mayLookUp(_ key: String, every: TimeInterval = 5, now: Date = Date()) -> Bool {
        if let last = lookUps[key], now.timeIntervalSince(last) < every { return false }
        if lookUps.count >= 10_000 { lookUps.removeAll() }
        lookUps[key] = now
        return true
    }

    /// Counts an upload; false when the session uploaded `limit` files in the last minute.
    func allowUpload(_ token: String, limit: Int, now: Date = Date()) -> Bool {
        guard var s = sessions[token] else { return false }
        s.uploads = s.uploads.filter { now.timeIntervalSince($0) < 60 }
        guard s.uploads.count < limit else { sessions[token] = s; return false }
        s.uploads.append(now)
        sessions[token] = s
        return true
    }
}

/// Failed logins, kept so that guessing is slow and nobody can use it against others:
/// - per client address and login: after `limit` failures within `window` that pair is refused
///   for the rest of the window whatever the password — another address (the township's own PC)
///   can still sign in, so a stranger cannot lock the county out;
/// - per client address: after `addressLimit` failures within the window, over any logins, the
///   address is refused (a flood of made-up logins costs no bcrypt and no memory);
/// - a password being checked counts as a failure until it is known to be right, so concurrent
///   attempts cannot slip past the limit between the check and the verdict;
/// - memory is bounded: logins are cut to 64 characters (no real one is longer), at most
///   `maxEntries` pairs are kept, expired entries dropped first, then the oldest.
actor LoginThrottle {
    struct Entry { var failures: [Date] = []; var inFlight = 0; var touched: Date }
    private var pairs: [String: Entry] = [:]
    private var addresses: [String: Entry] = [:]
    let limit: Int
    let addressLimit: Int
    let window: TimeInterval
    let maxEntries: Int

    init(limit: Int = 5, addressLimit: Int = 30, window: TimeInterval = 15 * 60, maxEntries: Int = 10_000) {
        self.limit = limit; self.addressLimit = addressLimit; self.window = window; self.maxEntries = maxEntries
    }

    static func key(_ client: String, _ login: String) -> String { client + "|" + String(login.lowercased().prefix(64)) }

    /// Reserves an attempt: false when the pair or the address is over its limit (nothing to verify).
    func begin(client: String, login: String, now: Date = Date()) -> Bool {
        let k = Self.key(client, login)
        var pair = pruned(pairs[k], now), address = pruned(addresses[client], now)
        guard pair.failures.count + pair.inFlight < limit, address.failures.count + address.inFlight < addressLimit else {
            if !pair.failures.isEmpty || pair.inFlight > 0 { pairs[k] = pair }
            return false
        }
        pair.inFlight += 1; address.inFlight += 1
        pair.touched = now; address.touched = now
        store(&pairs, k, pair, now); store(&addresses, client, address, now)
        return true
    }

    /// The verdict of an attempt `begin` allowed.
    func end(client: String, login: String, succeeded: Bool, now: Date = Date()) {
        let k = Self.key(client, login)
        var pair = pruned(pairs[k], now), address = pruned(addresses[client], now)
        pair.inFlight = max(0, pair.inFlight - 1); address.inFlight = max(0, address.inFlight - 1)
        if succeeded {
            pairs[k] = nil
        } else {
            pair.failures.append(now); pair.failures = Array(pair.failures.suffix(limit))
            address.failures.append(now); address.failures = Array(address.failures.suffix(addressLimit))
            store(&pairs, k, pair, now)
        }
        store(&addresses, client, address, now)
    }

    /// Lifts the lock of a login from every address (`renju user unlock`).
    func unlock(login: String) {
        let suffix = "|" + String(login.lowercased().prefix(64))
        pairs = pairs.filter { !$0.key.hasSuffix(suffix) }
    }

    /// When the login's lock from this address began, if it is locked.
    func lockedSince(client: String, login: String, now: Date = Date()) -> Date? {
        let pair = pruned(pairs[Self.key(client, login)], now)
        return pair.failures.count >= limit ? pair.failures.first : nil
    }

    var entryCount: Int { pairs.count + addresses.count }

    private func pruned(_ e: Entry?, _ now: Date) -> Entry {
        var e = e ?? Entry(touched: now)
        e.failures.removeAll { now.timeIntervalSince($0) >= window }
        return e
    }

    private func store(_ table: inout [String: Entry], _ k: String, _ e: Entry, _ now: Date) {
        if e.failures.isEmpty && e.inFlight == 0 { table[k] = nil; return }
        if table[k] == nil, table.count >= maxEntries {
            table = table.filter { $0.value.inFlight > 0 || $0.value.failures.contains { now.timeIntervalSince($0) < window } }
            if table.count >= maxEntries, let oldest = table.min(by: { ($0.value.touched, $0.key) < ($1.value.touched, $1.key) })?.key {
                table[oldest] = nil
            }
        }
        table[k] = e
    }
}

/// Constant-time comparison of two tokens.
func tokensEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var d: UInt8 = 0
    for i in x.indices { d |= x[i] ^ y[i] }
    return d == 0
}
