import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HummingbirdHTTP2
import HTTPTypes
import HummingbirdBcrypt
import RenjuModel
import RenjuChecks
import RenjuStoreCore
import RenjuApp

/// How the desk server runs: where it listens, its limits, where its page templates are.
public struct DeskOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// HTTPS: the certificate chain and the private key (PEM files). With them the desk speaks
    /// HTTP/1.1 and HTTP/2 over TLS, its session cookie is `Secure` and every answer carries HSTS.
    public var tlsCertificate: String?
    public var tlsKey: String?
    public var usesTLS: Bool { tlsCertificate != nil && tlsKey != nil }
    /// The folder of the page templates and their strings (`templates/web`).
    public var pages: String
    public var maxUploadBytes = 16 * 1_048_576
    /// Uploads a session may make in a minute.
    public var uploadsPerMinute = 30
    /// Uploads read and checked at once (the rest wait in line), how many may wait, and how many
    /// bytes of uploaded files the waiting ones may hold between them.
    public var checkSlots = max(1, 2 * ProcessInfo.processInfo.activeProcessorCount)
    public var checkQueue = 1024
    public var checkQueueBytes = 256 * 1_048_576
    /// The access log's folder (a file a day), or nil for none; and how many days are kept.
    public var logFolder: String?
    public var logDays = 180
    /// Seconds a client has to send a request's body (a slow upload is cut off: 408).
    public var bodySeconds: Double = 120
    /// A session lapses after this long without a request.
    public var sessionLifetime: TimeInterval = 8 * 3600
    /// Failed logins before a login is refused for 15 minutes (from the address that failed).
    public var loginFailures = 5
    /// Failed logins from one address, over any logins, before the address is refused for 15 minutes.
    public var addressFailures = 100
    /// How often a locked login's `renju user unlock` is looked for in the store.
    public var unlockLookUpSeconds: TimeInterval = 5

    public init(pages: String) { self.pages = pages }
}

/// Slow password hashing (bcrypt), off the request threads.
public enum Passwords {
    /// bcrypt's cost: 2^12 rounds (≈ 0.2–0.4 s here).
    public static let cost: UInt8 = 12

    public static func hash(_ password: String, cost: UInt8 = cost) -> String { Bcrypt.hash(password, cost: cost) }

    public static func verify(_ password: String, hash: String) async -> Bool {
        await withCheckedContinuation { c in
            DispatchQueue.global().async { c.resume(returning: Bcrypt.verify(password, hash: hash)) }
        }
    }

    /// What a password must be: 8 to 128 characters.
    public static func check(_ password: String) throws {
        guard (8...128).contains(password.count) else {
            throw AppError(zh: "密码须为 8 到 128 个字符", en: "a password is 8 to 128 characters")
        }
    }
}

/// A request's context on the desk: the router's, and the client's address (what failed logins
/// are counted by; "local" where there is none, as in-process tests).
public struct DeskContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let client: String
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "local"
    }
}

/// The web desk: the routes, each with the permission it needs, over the application layer's `Desk`.
public final class DeskServer: Sendable {
    public let desk: Desk
    public let options: DeskOptions
    let sessions: SessionStore
    let throttle: LoginThrottle
    let pages: Pages
    let checks: WorkQueue
    /// The access log (`--log-dir`), or nil.
    let requestLog: RequestLog?

    /// A hash the password of an unknown or disabled login is checked against, at the cost the
    /// store's accounts use: a wrong login takes as long to answer as a wrong password.
    let decoyHash: String

    public init(desk: Desk, options: DeskOptions) async throws {
        self.desk = desk; self.options = options
        sessions = SessionStore(lifetime: options.sessionLifetime)
        throttle = LoginThrottle(limit: options.loginFailures, addressLimit: options.addressFailures)
        checks = WorkQueue(slots: options.checkSlots, maxWaiting: options.checkQueue, maxWaitingBytes: options.checkQueueBytes)
        pages = try await Pages.load(folder: options.pages)
        requestLog = try options.logFolder.map { try RequestLog(folder: $0, keepDays: options.logDays, zone: desk.reference.calendar.zone) }
        var cost = Passwords.cost
        if let hash = try await desk.samplePasswordHash() {
            let parts = hash.split(separator: "$")
            if parts.count >= 2, let c = UInt8(parts[1]), (4...31).contains(c) { cost = c }
        }
        decoyHash = Passwords.hash(SessionStore.randomToken(), cost: cost)
    }

    static let sessionCookie = "renju_session"

    /// The application: the router on the configured address, over TLS when a certificate is given.
    public func application() throws -> some ApplicationProtocol {
        // A connection that sends nothing for 30 s is closed (a held-open socket costs the desk).
        let server: HummingbirdCore.HTTPServerBuilder
        if let cert = options.tlsCertificate, let key = options.tlsKey {
            let chain: [NIOSSLCertificate]
            let privateKey: NIOSSLPrivateKey
            do {
                chain = try NIOSSLCertificate.fromPEMFile(cert)
                privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
            } catch {
                throw WebSetupError("cannot read the TLS certificate \(cert) or key \(key) (PEM files expected): \(error)")
            }
            guard !chain.isEmpty else { throw WebSetupError("\(cert) holds no certificate") }
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
            server = try HTTPServerBuilder.http2Upgrade(tlsConfiguration: tls)
        } else {
            server = .http1(configuration: .init(idleTimeout: .seconds(30)))
        }
        return Application(router: router(), server: server,
                           configuration: .init(address: .hostname(options.host, port: options.port), serverName: "renju"))
    }

    // MARK: the route table — every route and what it needs, in one place

    /// Who may call a route: anyone, or a signed-in account holding a permission. Scope (the
    /// units under the account's unit) is then checked by the use case for the unit concerned.
    enum Access: Sendable { case anyone, account(DeskPermission) }
    enum Surface: Sendable { case api, page }

    struct Caller: Sendable {
        let account: Account
        let session: Session
        let body: ByteBuffer
        let lang: Language
        /// The page asked for: its path and query (without `lang`), for the language switch.
        var path: String = "/"
        var query: [(String, String)] = []

        /// The same page in the other language (the period and every other parameter kept).
        var otherLanguage: String {
            var q = query
            if lang == .zh { q.append(("lang", "en")) }
            let text = q.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
            return path + (text.isEmpty ? "" : "?" + text)
        }
        static func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
    }

    typealias Handler = @Sendable (Request, DeskContext, Caller) async throws -> Response

    /// Every route of the desk: method, path, surface, access. The test of the role matrix reads
    /// this table.
    struct Route: Sendable {
        let method: HTTPRequest.Method
        let path: String
        let surface: Surface
        let access: DeskPermission
    }

    public func router() -> Router<DeskContext> {
        // HEAD is answered as GET without the body (monitors and browsers ask it).
        let router = Router(context: DeskContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: SecurityHeaders(hsts: options.usesTLS))
        if let log = requestLog { router.add(middleware: AccessLogMiddleware(log: log, sessions: sessions, cookie: Self.sessionCookie)) }
        // Open routes: the login page and call, the static files.
        router.get("/login") { req, _ in self.pages.loginPage(lang: Self.lang(req), message: nil) }
        router.post("/login") { req, ctx in try await self.pageLogin(req, ctx) }
        router.post("/api/login") { req, ctx in try await self.apiLogin(req, ctx) }
        router.get("/static/:name") { _, ctx in self.pages.staticFile(ctx.parameters.get("name") ?? "") }

        for (route, handler) in routes() {
            let wrapped = guarded(route, handler)
            router.on(RouterPath(route.path), method: route.method) { req, ctx in try await wrapped(req, ctx) }
        }
        return router
    }

    /// The guard every signed-in route passes through: session (401 / to the login page), CSRF
    /// on every state-changing request (403), the body's size (413); then the route's permission
    /// (403), granted as the route table declares it (`route`).
    func guarded(_ route: Route, _ handler: @escaping Handler) -> @Sendable (Request, DeskContext) async throws -> Response {
        { req, ctx in
            let lang = Self.lang(req)
            var signedIn: Caller?
            do {
                guard let token = req.cookies[Self.sessionCookie]?.value, let session = await self.sessions.session(token),
                      let account = try await self.desk.activeAccount(login: session.login) else {
                    return route.surface == .api
                        ? Self.json(.unauthorized, ErrorAnswer(error: self.pages.say("not_signed_in", lang)))
                        : Self.redirect("/login\(lang == .en ? "?lang=en" : "")")
                }
                var body = ByteBuffer()
                if req.method != .get && req.method != .head {
                    body = try await Self.collect(req.body, upTo: self.options.maxUploadBytes + 65_536, seconds: self.options.bodySeconds,
                                                  limit: self.options.maxUploadBytes)
                    let sent = req.headers[HTTPField.Name("X-CSRF-Token")!] ?? Form.field("csrf", in: body, contentType: req.headers[.contentType])
                    guard let sent, tokensEqual(sent, session.csrf) else {
                        return Self.failure(.forbidden, Message(zh: "缺少或错误的 CSRF 令牌", en: "missing or wrong CSRF token"), route.surface, lang: lang, pages: self.pages)
                    }
                }
                var caller = Caller(account: account, session: session, body: body, lang: lang)
                caller.path = req.uri.path
                // The language switch keeps the period and the indicator shown; a unit or any other
                // parameter is not echoed into the page (a page shows only what its use case allows).
                caller.query = req.uri.queryParameters.map { (String($0.key), String($0.value)) }
                    .filter { ["period", "indicator"].contains($0.0) && Period.parse($0.1) != nil || $0.0 == "indicator" && $0.1.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } }
                    .sorted { $0.0 < $1.0 }
                signedIn = caller
                return try await handler(req, ctx, caller)
            } catch {
                // A page's error keeps the user bar and the navigation, and says what to do.
                if let c = signedIn, route.surface == .page { return await self.errorPage(for: error, c) }
                return Self.response(for: error, route.surface, lang: lang, pages: self.pages)
            }
        }
    }

    struct SlowBody: Error {}

    /// A request's body, whole, within `seconds` (a client sending a byte a second is cut off).
    static func collect(_ body: RequestBody, upTo max: Int, seconds: Double, limit: Int) async throws -> ByteBuffer {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do { return try await body.collect(upTo: max) } catch is CancellationError { throw CancellationError() } catch {
                    throw DeskError.tooLarge(limit: limit)
                }
            }
            group.addTask { try await Task.sleep(nanoseconds: UInt64(seconds * 1e9)); return nil }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else { throw SlowBody() }
            return buffer
        }
    }

    /// An upload read and checked through the queue, off the server's threads.
    func queuedUpload(_ bytes: Data, filename: String, expecting: Period? = nil, _ c: Caller, _ g: Grant<Permit.Upload>) async throws -> DeskSubmission {
        let desk = self.desk
        return try await desk.upload(bytes, filename: filename, by: g, expecting: expecting, in: checks)
    }

    static func lang(_ req: Request) -> Language { req.uri.queryParameters.get("lang") == "en" ? .en : .zh }

    // MARK: responses

    static func json<T: Encodable>(_ status: HTTPResponse.Status, _ answer: T, headers: HTTPFields = [:]) -> Response {
        let data = APIJSON.encode(answer)
        var h = headers
        h[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(string: data)))
    }

    static func redirect(_ to: String) -> Response {
        Response(status: .seeOther, headers: [.location: to])
    }

    static func download(_ name: String, _ bytes: Data) -> Response {
        let ascii = name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" ? String($0) : "_" }.joined()
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "download.xlsx"
        return Response(status: .ok, headers: [
            .contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
        ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func failure(_ status: HTTPResponse.Status, _ m: Message, _ surface: Surface, lang: Language, pages: Pages, findings: [Finding]? = nil) -> Response {
        if surface == .api {
            return json(status, ErrorAnswer(error: m.text(lang), findings: findings.map { $0.map { FindingAnswer($0, lang: lang) } }))
        }
        return pages.errorPage(status: status, message: m.text(lang), lang: lang)
    }

    /// What an error comes to: the status, the words, the findings of an unreadable upload, and
    /// when to retry.
    struct Failure { let status: HTTPResponse.Status; let message: Message; var findings: [Finding]? = nil; var retryAfter: Int? = nil }

    static func failure(of error: Error) -> Failure {
        switch error {
        case let e as DeskError:
            switch e {
            case .notAllowed: return Failure(status: .forbidden, message: e.message)
            case .notFound: return Failure(status: .notFound, message: e.message)
            case .tooLarge: return Failure(status: .contentTooLarge, message: e.message)
            case .invalid: return Failure(status: .badRequest, message: e.message)
            case .conflict: return Failure(status: .conflict, message: e.message)
            case let .unreadable(m, findings): return Failure(status: .unprocessableContent, message: m, findings: findings)
            }
        case let e as AppError:
            return Failure(status: .unprocessableContent, message: e.message)
        case let e as WorkQueue.Full:
            return Failure(status: .serviceUnavailable, message: Message(zh: "正在审核的文件较多，请 \(e.retryAfter) 秒后再试", en: "many files are being checked; try again in \(e.retryAfter) s"),
                           retryAfter: e.retryAfter)
        case is SlowBody:
            return Failure(status: .requestTimeout, message: Message(zh: "上传太慢，连接已断开，请重试", en: "the upload was too slow; try again"))
        case let e as StoreError:
            return Failure(status: .serviceUnavailable, message: e.userMessage)
        case let e as any UserFacingError:
            return Failure(status: .unprocessableContent, message: e.userMessage)
        default:
            return Failure(status: .internalServerError, message: Message(zh: "服务器内部错误", en: "internal error"))
        }
    }

    /// What an error answers: a refused request with its status, a problem with the input as 422.
    static func response(for error: Error, _ surface: Surface, lang: Language, pages: Pages) -> Response {
        let f = failure(of: error)
        var r = failure(f.status, f.message, surface, lang: lang, pages: pages, findings: f.findings)
        if let after = f.retryAfter { r.headers[.retryAfter] = "\(after)" }
        return r
    }

    /// A signed-in page's error: the user bar and navigation kept, the words a clerk can act on,
    /// the findings of an upload that could not be read, and what to do next. (The status is the
    /// response's, not shown on the page.)
    func errorPage(for error: Error, _ c: Caller) async -> Response {
        let f = Self.failure(of: error)
        let details = (f.findings ?? []).prefix(10).map { finding in
            ErrorPageModel.Detail(where: finding.source?.description ?? "", message: finding.message.text(c.lang))
        }
        let hint: String
        switch f.status {
        case .unprocessableContent, .contentTooLarge, .badRequest: hint = pages.say("error_hint_upload", c.lang)
        case .forbidden, .notFound: hint = pages.say("error_hint_scope", c.lang)
        case .serviceUnavailable, .requestTimeout: hint = pages.say("error_hint_retry", c.lang)
        default: hint = pages.say("error_hint_other", c.lang)
        }
        let model = ErrorPageModel(message: f.message.text(c.lang), hint: hint, details: Array(details), hasDetails: !details.isEmpty)
        var r = pages.page("error", await frame(c, period: nil), model, lang: c.lang, status: f.status)
        if let after = f.retryAfter { r.headers[.retryAfter] = "\(after)" }
        return r
    }

    // MARK: login

    /// Signs a login in from a client address, or nil. Every attempt that passes the throttle
    /// costs one bcrypt check — against the account's hash, or the decoy for an unknown or
    /// disabled login — so the answer's time does not tell which logins exist.
    func signIn(login: String, password: String, client: String) async throws -> (Account, Session)? {
        if !(await throttle.begin(client: client, login: login)) {
            guard try await unlockedByAdmin(login: login, client: client), await throttle.begin(client: client, login: login) else { throw Throttled() }
        }
        var found: Credentials?
        do { found = try await desk.credentials(login: login) } catch {
            await throttle.end(client: client, login: login, succeeded: false)
            throw error
        }
        let usable = found  // nil for an unknown or disabled login
        let verified = await Passwords.verify(password, hash: usable?.passwordHash ?? decoyHash)
        guard verified, let account = usable?.account else {
            await throttle.end(client: client, login: login, succeeded: false)
            return nil
        }
        await throttle.end(client: client, login: login, succeeded: true)
        return (account, await sessions.open(login: account.login))
    }
    struct Throttled: Error {}

    /// Whether `renju user unlock` lifted a login's lock after it began (an audited account event
    /// in the store); looked up at most every few seconds per locked login.
    func unlockedByAdmin(login: String, client: String) async throws -> Bool {
        guard let since = await throttle.lockedSince(client: client, login: login), await sessions.mayLookUp("unlock|\(client)|\(login.prefix(64))", every: options.unlockLookUpSeconds) else {
            return false
        }
        let stamp = ISO8601DateFormatter().string(from: since)
        let target = String(login.prefix(64))
        let unlocked = try await desk.unlockRecorded(login: target, since: stamp)
        if unlocked { await throttle.unlock(login: target) }
        return unlocked
    }

    /// A sign-in form or call from another site's page is refused: a browser says where a request
    /// comes from (`Origin`, `Sec-Fetch-Site`), and the desk's own pages are same-origin.
    static func crossSite(_ req: Request) -> Bool {
        // Browsers that send Sec-Fetch-Site say it outright (their Origin may be "null").
        if let site = req.headers[HTTPField.Name("Sec-Fetch-Site")!] { return site == "cross-site" || site == "same-site" }
        guard let origin = req.headers[HTTPField.Name("Origin")!] else { return false }
        guard origin != "null", let url = URL(string: origin), let host = url.host else { return true }
        let authority = url.port.map { "\(host):\($0)" } ?? host
        let own = [req.head.authority, req.headers[HTTPField.Name("Host")!]].compactMap { $0?.lowercased() }
        return !own.contains(authority.lowercased())
    }

    func sessionCookie(_ s: Session) -> Cookie {
        Cookie(name: Self.sessionCookie, value: s.token, path: "/", secure: options.usesTLS, httpOnly: true, sameSite: .strict)
    }

    /// The address a request comes from: the peer's, or — when the peer is this machine (the
    /// office's reverse proxy; the desk listens on loopback) — the address the proxy appended last
    /// to `X-Forwarded-For` (earlier entries are the client's own word).
    static func client(_ req: Request, _ ctx: DeskContext) -> String {
        guard ["local", "127.0.0.1", "::1"].contains(ctx.client),
              let forwarded = req.headers[HTTPField.Name("X-Forwarded-For")!],
              let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty else { return ctx.client }
        return String(last.prefix(64))
    }

    func apiLogin(_ req: Request, _ ctx: DeskContext) async throws -> Response {
        let lang = Self.lang(req)
        guard !Self.crossSite(req) else { return Self.json(.forbidden, ErrorAnswer(error: pages.say("cross_site_sign_in", lang))) }
        let body = try await req.body.collect(upTo: 16_384)
        guard let o = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
              let login = o["login"] as? String, let password = o["password"] as? String else {
            return Self.json(.badRequest, ErrorAnswer(error: pages.say("login_body", lang)))
        }
        do {
            guard let (account, session) = try await signIn(login: login, password: password, client: Self.client(req, ctx)) else {
                return Self.json(.unauthorized, ErrorAnswer(error: pages.say("login_wrong", lang)))
            }
            var r = Self.json(.ok, LoginAnswer(user: account.login, name: account.name, role: account.role.rawValue, unit: account.unit.rawValue,
                                               csrf: session.csrf))
            r.setCookie(self.sessionCookie(session))
            return r
        } catch is Throttled {
            return Self.json(.tooManyRequests, ErrorAnswer(error: pages.say("login_throttled", lang)))
        }
    }

    func pageLogin(_ req: Request, _ ctx: DeskContext) async throws -> Response {
        let lang = Self.lang(req)
        guard !Self.crossSite(req) else {
            return Self.failure(.forbidden, Message(zh: pages.say("cross_site_sign_in", .zh), en: pages.say("cross_site_sign_in", .en)), .page, lang: lang, pages: pages)
        }
        let body = try await req.body.collect(upTo: 16_384)
        let form = Form.urlEncoded(body)
        do {
            guard let (_, session) = try await signIn(login: form["login"] ?? "", password: form["password"] ?? "", client: Self.client(req, ctx)) else {
                var r = pages.loginPage(lang: lang, message: pages.say("login_wrong", lang))
                r.status = .unauthorized
                return r
            }
            var r = Self.redirect(lang == .en ? "/?lang=en" : "/")
            r.setCookie(self.sessionCookie(session))
            return r
        } catch is Throttled {
            var r = pages.loginPage(lang: lang, message: pages.say("login_throttled", lang))
            r.status = .tooManyRequests
            return r
        }
    }
}

/// Headers on every response: no framing, no sniffing, no referrer to other sites, scripts and styles only
/// from the desk itself (nothing from the internet).
struct SecurityHeaders: RouterMiddleware {
    typealias Context = DeskContext
    /// Over TLS: browsers are told to come back over HTTPS only.
    var hsts = false
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var r: Response
        do {
            r = try await next(request, context)
        } catch let e as any HTTPResponseError {
            // Pages the router does not know (404) and other refusals carry the same headers.
            r = Response(status: e.status, headers: [.contentType: "text/plain; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(string: e.status == .notFound ? "404 \(Message(zh: "找不到该页面", en: "not found").bilingual)\n" : "\(e.status.code)\n")))
        }
        r.headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'"
        r.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        r.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        if hsts { r.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=31536000" }
        r.headers[.cacheControl] = r.headers[.cacheControl] ?? "no-store"
        return r
    }
}
