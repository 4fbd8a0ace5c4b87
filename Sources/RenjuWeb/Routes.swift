import Foundation
import Hummingbird
import HTTPTypes
import RenjuModel
import RenjuChecks
import RenjuStoreCore
import RenjuReport
import RenjuApp

extension DeskServer {
    /// The desk's signed-in routes: the JSON API and the pages, each with the permission it
    /// needs. `guarded` applies session, CSRF and permission to each alike.
    func routes() -> [(Route, Handler)] {
        [
            // JSON API
            route(.post, "/api/logout", .api, Permit.Read.self) { _, _, c, _ in await self.logout(c, api: true) },
            route(.post, "/api/submissions", .api, Permit.Upload.self) { req, _, c, g in try await self.apiUpload(req, c, g) },
            route(.get, "/api/submissions/:id", .api, Permit.Read.self) { _, ctx, c, g in try await self.apiSubmission(ctx, c, g) },
            route(.post, "/api/submissions/:id/explanations", .api, Permit.Explain.self) { _, ctx, c, g in try await self.apiExplain(ctx, c, g) },
            route(.post, "/api/submissions/:id/signoffs", .api, Permit.Sign.self) { _, ctx, c, g in try await self.apiSign(ctx, c, g) },
            route(.post, "/api/submissions/:id/return", .api, Permit.Review.self) { _, ctx, c, g in try await self.apiReturn(ctx, c, g) },
            route(.get, "/api/submissions/:id/findings.xlsx", .api, Permit.Read.self) { _, ctx, c, g in
                let f = try await self.desk.findingsWorkbook(submission: try Self.id(ctx), for: g, lang: c.lang)
                return Self.download(f.name, f.bytes)
            },
            route(.get, "/api/periods/:period/status", .api, Permit.Read.self) { _, ctx, c, g in try await self.apiStatus(ctx, c, g) },
            route(.get, "/api/periods/:period/return.xlsx", .api, Permit.Export.self) { _, ctx, _, g in
                let f = try await self.desk.returnWorkbook(period: try Self.period(ctx), for: g)
                return Self.download(f.name, f.bytes)
            },
            route(.post, "/api/periods/:period/reopen", .api, Permit.Review.self) { _, ctx, c, g in try await self.apiReopen(ctx, c, g) },
            // Pages
            route(.get, "/", .page, Permit.Read.self) { req, _, c, g in try await self.home(req, c, g) },
            route(.post, "/logout", .page, Permit.Read.self) { _, _, c, _ in await self.logout(c, api: false) },
            route(.post, "/upload", .page, Permit.Upload.self) { req, _, c, g in try await self.pageUpload(req, c, g) },
            route(.get, "/submissions/:id", .page, Permit.Read.self) { _, ctx, c, g in try await self.submissionPage(try Self.id(ctx), c, g) },
            route(.post, "/submissions/:id/explain", .page, Permit.Explain.self) { req, ctx, c, g in try await self.pageExplain(req, ctx, c, g) },
            route(.post, "/submissions/:id/sign", .page, Permit.Sign.self) { req, ctx, c, g in try await self.pageSign(req, ctx, c, g) },
            route(.post, "/submissions/:id/return", .page, Permit.Review.self) { req, ctx, c, g in try await self.pageReturn(req, ctx, c, g) },
            route(.get, "/submissions/:id/findings.xlsx", .page, Permit.Read.self) { _, ctx, c, g in
                let f = try await self.desk.findingsWorkbook(submission: try Self.id(ctx), for: g, lang: c.lang)
                return Self.download(f.name, f.bytes)
            },
            route(.get, "/board", .page, Permit.Read.self) { req, _, c, g in try await self.boardPage(req, c, g) },
            route(.get, "/rules/:rule", .page, Permit.Read.self) { _, ctx, c, _ in try await self.rulePage(ctx, c) },
            route(.get, "/ranking", .page, Permit.Read.self) { req, _, c, g in try await self.rankingPage(req, c, g) },
            route(.get, "/history", .page, Permit.Read.self) { req, _, c, g in try await self.historyPage(req, c, g) },
            route(.get, "/periods/:period/return.xlsx", .page, Permit.Export.self) { _, ctx, _, g in
                let f = try await self.desk.returnWorkbook(period: try Self.period(ctx), for: g)
                return Self.download(f.name, f.bytes)
            },
            route(.get, "/inspections", .page, Permit.Review.self) { req, _, c, g in try await self.inspectionsPage(req, c, g, message: nil) },
            route(.post, "/inspections/sample", .page, Permit.Review.self) { req, _, c, g in try await self.pageSample(req, c, g) },
            route(.post, "/inspections/verify", .page, Permit.Review.self) { req, _, c, g in try await self.pageVerify(req, c, g) },
            // The administrator's accounts page: add, disable, enable, unlock, reset a password.
            route(.get, "/admin/accounts", .page, Permit.ManageAccounts.self) { req, _, c, g in try await self.accountsPage(req, c, g, message: nil) },
            route(.post, "/admin/accounts", .page, Permit.ManageAccounts.self) { req, _, c, g in try await self.pageAddAccount(req, c, g) },
            route(.post, "/admin/accounts/:login/:action", .page, Permit.ManageAccounts.self) { req, ctx, c, g in try await self.pageAccountAction(req, ctx, c, g) },
            route(.get, "/forms/:unit/:period", .page, Permit.Read.self) { _, ctx, _, g in
                guard let u = UnitCode(ctx.parameters.get("unit") ?? "") else { throw DeskError.notFound(Message(zh: "区划代码有误", en: "not a division code")) }
                let f = try self.desk.collectionForm(unit: u, period: try Self.period(ctx), for: g)
                return Self.download(f.name, f.bytes)
            },
        ]
    }

    /// A route and the permission it needs, declared once: its handler is given the grant of that
    /// permission (`DeskPolicy.grant`, the one place it is decided) and passes it to the desk's
    /// use cases, which take nothing less. A role without it gets 403 before the handler runs.
    func route<P: PermissionKind>(_ method: HTTPRequest.Method, _ path: String, _ surface: Surface, _ kind: P.Type,
                                  _ handler: @escaping @Sendable (Request, DeskContext, Caller, Grant<P>) async throws -> Response) -> (Route, Handler) {
        let pages = self.pages
        return (Route(method: method, path: path, surface: surface, access: P.permission), { req, ctx, c in
            guard let grant = DeskPolicy.grant(c.account, P.self) else {
                return Self.failure(.forbidden, Message(zh: "您的角色无权执行此操作", en: "your role may not do this"), surface, lang: c.lang, pages: pages)
            }
            return try await handler(req, ctx, c, grant)
        })
    }

    static func id(_ ctx: DeskContext) throws -> Int64 {
        guard let id = ctx.parameters.get("id").flatMap({ Int64($0) }) else {
            throw DeskError.notFound(Message(zh: "报表编号有误", en: "not a submission id"))
        }
        return id
    }

    static func period(_ ctx: DeskContext) throws -> Period {
        guard let p = ctx.parameters.get("period").flatMap(Period.parse) else {
            throw DeskError.notFound(Message(zh: "报告期有误", en: "not a period"))
        }
        return p
    }

    /// The period a page shows: `?period=`, else the one being reported (the calendar's).
    func period(_ req: Request) -> Period {
        if let p = req.uri.queryParameters.get("period").flatMap(Period.parse) { return p }
        return desk.currentPeriod
    }

    func logout(_ c: Caller, api: Bool) async -> Response {
        await sessions.close(c.session.token)
        var r = api ? Self.json(.ok, SignedOutAnswer()) : Self.redirect("/login")
        r.setCookie(Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .strict))
        return r
    }

    // MARK: API

    /// SPEC §6's report of a submission, as JSON.
    func report(_ s: DeskSubmission, lang: Language) -> EmbeddedJSON {
        EmbeddedJSON(text: JSONReport.render(s.validation.result, lang: lang, rules: Workspace.ruleSummaries(s.validation)))
    }

    func apiUpload(_ req: Request, _ c: Caller, _ g: Grant<Permit.Upload>) async throws -> Response {
        guard await sessions.allowUpload(c.session.token, limit: options.uploadsPerMinute) else {
            return Self.json(.tooManyRequests, ErrorAnswer(error: pages.say("too_many_uploads", c.lang)))
        }
        var bytes = Data(buffer: c.body)
        var name = req.headers[HTTPField.Name("X-Filename")!].map { $0.removingPercentEncoding ?? $0 } ?? "upload"
        if let parts = Form.multipart(c.body, contentType: req.headers[.contentType]) {
            guard let file = parts.first(where: { $0.filename != nil }) else {
                throw DeskError.invalid(Message(zh: "表单中没有文件", en: "no file in the form"))
            }
            bytes = file.data; name = file.filename ?? name
        }
        guard !bytes.isEmpty else { throw DeskError.invalid(Message(zh: "文件为空", en: "the file is empty")) }
        let s = try await queuedUpload(bytes, filename: name, c, g)
        return Self.json(.created, UploadAnswer(id: s.stored.id, unit: s.stored.unit.rawValue, period: s.stored.period.description,
                                                version: s.stored.version, report: report(s, lang: c.lang)))
    }

    func submissionJSON(_ s: DeskSubmission, lang: Language) -> SubmissionAnswer {
        let counts = desk.counts(of: s)
        return SubmissionAnswer(id: s.stored.id, unit: s.stored.unit.rawValue, period: s.stored.period.description, status: counts.status.rawValue,
                                version: s.stored.version, report: report(s, lang: lang), filename: s.filename, uploadedBy: s.stored.uploadedBy,
                                uploadedAt: s.stored.uploadedAt, signedRoles: counts.signedRoles, digest: s.digest, returnMessage: s.stored.returnMessage)
    }

    func apiSubmission(_ ctx: DeskContext, _ c: Caller, _ g: Grant<Permit.Read>) async throws -> Response {
        Self.json(.ok, submissionJSON(try await desk.submission(id: try Self.id(ctx), for: g.read), lang: c.lang))
    }

    static func object(_ c: Caller) throws -> [String: Any] {
        guard let o = try? JSONSerialization.jsonObject(with: Data(buffer: c.body)) as? [String: Any] else {
            throw DeskError.invalid(Message(zh: "请求体须为 JSON 对象", en: "the body must be a JSON object"))
        }
        return o
    }

    func apiExplain(_ ctx: DeskContext, _ c: Caller, _ g: Grant<Permit.Explain>) async throws -> Response {
        let o = try Self.object(c), id = try Self.id(ctx)
        guard let text = o["text"] as? String else { throw DeskError.invalid(Message(zh: "缺少 text", en: "text is missing")) }
        let unit = try (o["unit"] as? String).map { t -> UnitCode in
            guard let u = UnitCode(t) else { throw DeskError.invalid(Message(zh: "区划代码有误：\(t)", en: "not a division code: \(t)")) }
            return u
        }
        try await desk.explain(submission: id, rule: o["rule"] as? String, unit: unit, indicator: o["indicator"] as? String, text: text, by: g)
        return Self.json(.created, submissionJSON(try await desk.submission(id: id, for: g.read), lang: c.lang))
    }

    func apiSign(_ ctx: DeskContext, _ c: Caller, _ g: Grant<Permit.Sign>) async throws -> Response {
        let o = try Self.object(c), id = try Self.id(ctx)
        guard let role = o["role"] as? String else { throw DeskError.invalid(Message(zh: "缺少 role", en: "role is missing")) }
        let off = try await desk.signOff(submission: id, role: role, by: g)
        return Self.json(.created, SignOffAnswer(role: off.role, name: off.name, date: off.date?.description ?? "", digest: off.digest ?? ""))
    }

    func apiReturn(_ ctx: DeskContext, _ c: Caller, _ g: Grant<Permit.Review>) async throws -> Response {
        let o = try Self.object(c), id = try Self.id(ctx)
        try await desk.returnSubmission(id: id, message: o["message"] as? String ?? "", by: g)
        return Self.json(.ok, submissionJSON(try await desk.submission(id: id, for: g.read), lang: c.lang))
    }

    /// 重新开放: `{"unit", "reason"}` — the county lets a township upload again for a closed period.
    func apiReopen(_ ctx: DeskContext, _ c: Caller, _ g: Grant<Permit.Review>) async throws -> Response {
        let o = try Self.object(c), period = try Self.period(ctx)
        guard let u = (o["unit"] as? String).flatMap(UnitCode.init) else {
            throw DeskError.invalid(Message(zh: "缺少或错误的 unit", en: "unit is missing or not a division code"))
        }
        try await desk.reopen(unit: u, period: period, reason: o["reason"] as? String ?? "", by: g)
        return Self.json(.ok, ReopenAnswer(unit: u.rawValue, period: period.description))
    }

    func apiStatus(_ ctx: DeskContext, _ c: Caller, _ g: Grant<Permit.Read>) async throws -> Response {
        let lines = try await desk.board(period: try Self.period(ctx), for: g.read)
        return Self.json(.ok, lines.map(BoardLineAnswer.init))
    }
}
