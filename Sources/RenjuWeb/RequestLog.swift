import Foundation
import Hummingbird
import HTTPTypes

/// The desk's access log: one line per request — the time in the calendar's zone, the client's
/// address, the signed-in login (or -), the method, the path (its query without any secret),
/// the status and the milliseconds taken — never a password, a session token or a CSRF token.
/// A file a day (`access-YYYY-MM-DD.log` in the log folder: the rotation), files older than
/// `keepDays` removed when a new day's file is opened (the Cybersecurity Law asks for ≥ 180 days).
public final class RequestLog: @unchecked Sendable {
    let folder: URL
    let keepDays: Int
    let zone: TimeZone
    private let lock = NSLock()
    private var day = ""
    private var handle: FileHandle?

    public init(folder: String, keepDays: Int, zone: TimeZone) throws {
        self.folder = URL(fileURLWithPath: folder); self.keepDays = keepDays; self.zone = zone
        try FileManager.default.createDirectory(at: self.folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
    }

    deinit { try? handle?.close() }

    /// Query parameters never written (none of the desk's forms sends them in a URL, but a link
    /// someone pasted might).
    static let secret: Set<String> = ["password", "token", "csrf", "session", "renju_session"]

    static func shownPath(_ request: Request) -> String {
        var kept: [(String, String)] = []
        for p in request.uri.queryParameters {
            let key = String(p.key)
            if !secret.contains(key.lowercased()) { kept.append((key, String(p.value))) }
        }
        kept.sort { $0.0 < $1.0 }
        let q = kept.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        return request.uri.path + (q.isEmpty ? "" : "?" + q)
    }

    public func write(client: String, login: String?, method: String, path: String, status: Int, milliseconds: Double, at date: Date = Date()) {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let today = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        let clean = { (s: String) in s.unicodeScalars.map { $0.value < 0x20 || $0 == " " ? "_" : String($0) }.joined() }
        let line = String(format: "%@ %02d:%02d:%02d %@ %@ %@ %@ %d %.1fms\n", today, c.hour ?? 0, c.minute ?? 0, c.second ?? 0,
                          clean(client), clean(login ?? "-"), method, clean(path), status, milliseconds)
        lock.withLock {
            if today != day {
                try? handle?.close()
                let url = folder.appendingPathComponent("access-\(today).log")
                if !FileManager.default.fileExists(atPath: url.path) {
                    FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o640])
                }
                handle = try? FileHandle(forWritingTo: url)
                _ = try? handle?.seekToEnd()
                day = today
                prune(before: cal.date(byAdding: .day, value: -keepDays, to: date) ?? date, calendar: cal)
            }
            try? handle?.write(contentsOf: Data(line.utf8))
        }
    }

    /// Removes the day files older than the days kept.
    private func prune(before limit: Date, calendar: Calendar) {
        let c = calendar.dateComponents([.year, .month, .day], from: limit)
        let oldest = String(format: "access-%04d-%02d-%02d.log", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        where name.hasPrefix("access-") && name.hasSuffix(".log") && name.count == oldest.count && name < oldest {
            try? FileManager.default.removeItem(at: folder.appendingPathComponent(name))
        }
    }
}

/// Writes a line of the access log for every request (after the answer is made).
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = DeskContext
    let log: RequestLog
    let sessions: SessionStore
    let cookie: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = Date()
        var status = 500
        defer {
            let token = request.cookies[cookie]?.value
            let ms = Date().timeIntervalSince(start) * 1000
            let method = request.method.rawValue, path = RequestLog.shownPath(request), client = context.client
            let sessions = self.sessions, log = self.log, code = status
            Task {
                let login = if let token { await sessions.session(token)?.login } else { String?.none }
                log.write(client: client, login: login, method: method, path: path, status: code, milliseconds: ms)
            }
        }
        do {
            let r = try await next(request, context)
            status = Int(r.status.code)
            return r
        } catch let e as any HTTPResponseError {
            status = Int(e.status.code)
            throw e
        }
    }
}
