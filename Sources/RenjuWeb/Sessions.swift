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

/// Failed logins by login name: after `limit` failures within `window`, the login is refused for
/// `window` whatever the password (so guessing is slow even against a weak one).
actor LoginThrottle {
    private var failures: [String: [Date]] = [:]
    let limit: Int
    let window: TimeInterval

    init(limit: Int = 5, window: TimeInterval = 15 * 60) { self.limit = limit; self.window = window }

    func isBlocked(_ login: String, now: Date = Date()) -> Bool {
        let recent = (failures[login.lowercased()] ?? []).filter { now.timeIntervalSince($0) < window }
        failures[login.lowercased()] = recent
        return recent.count >= limit
    }

    func failed(_ login: String, now: Date = Date()) { failures[login.lowercased(), default: []].append(now) }
    func succeeded(_ login: String) { failures[login.lowercased()] = nil }
}

/// Constant-time comparison of two tokens.
func tokensEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var d: UInt8 = 0
    for i in x.indices { d |= x[i] ^ y[i] }
    return d == 0
}
