import Foundation
import Hummingbird
import RenjuModel
import RenjuChecks
import RenjuStoreCore
import RenjuApp

/// The pages: view models for the templates, from the application layer's results.
extension DeskServer {
    func frame(_ c: Caller, period: Period? = nil) async -> PageFrame {
        let tree = desk.reference.tree
        let current = desk.currentPeriod
        var choices: [PageFrame.PeriodChoice]?
        if let period {
            let offered = (try? await desk.periodsOffered()) ?? [current]
            choices = (offered.contains(period) ? offered : (offered + [period]).sorted(by: >)).map { p in
                PageFrame.PeriodChoice(value: p.description, selected: p == period)
            }
        }
        return PageFrame(
            user: .init(login: c.account.login, name: c.account.name, role: c.account.role.rawValue,
                        roleLabel: pages.t(c.lang)["role_\(c.account.role.rawValue)"] ?? c.account.role.rawValue, unit: c.account.unit.rawValue,
                        unitName: tree.name(of: c.account.unit) ?? c.account.unit.rawValue),
            csrf: c.session.csrf,
            canUpload: DeskPolicy.allows(c.account, .upload), canExport: DeskPolicy.allows(c.account, .export),
            canReview: DeskPolicy.allows(c.account, .review), canManage: DeskPolicy.allows(c.account, .manageAccounts),
            period: period?.description, periods: choices, otherLang: c.otherLanguage,
            notCurrent: period.flatMap { $0 == current ? nil : pages.say("not_current_period", c.lang, ["current": current.description]) },
            rulesDigest: String(desk.rulesDigest.prefix(12)))
    }

    /// The next step as a sentence of the strings file.
    func sentence(_ step: NextStep, _ lang: Language) -> String {
        switch step {
        case .upload: return pages.say("next_upload", lang)
        case let .returned(why): return pages.say("next_returned", lang, ["reason": why])
        case let .fixErrors(n): return pages.say("next_fix", lang, ["n": "\(n)"])
        case let .confirmWarnings(n): return pages.say("next_confirm", lang, ["n": "\(n)"])
        case let .sign(missing, mine):
            return mine ? pages.say("next_sign_mine", lang, ["role": missing.first ?? ""]) : pages.say("next_sign_wait", lang, ["roles": missing.joined(separator: " → ")])
        case .done: return pages.say("next_done", lang)
        }
    }

    func home(_ req: Request, _ c: Caller, _ g: Grant<Permit.Read>) async throws -> Response {
        let p = period(req)
        let level = desk.reference.tree.level(of: c.account.unit)
        if c.account.role == .admin { return Self.redirect("/admin/accounts\(c.lang == .en ? "?lang=en" : "")") }
        if [.reviewer, .viewer].contains(c.account.role) || level.map({ $0 < .township }) == true && c.account.role != .clerk {
            return Self.redirect("/board?period=\(p)\(c.lang == .en ? "&lang=en" : "")")
        }
        let units = desk.reference.tree.level(of: c.account.unit) == .township ? [c.account.unit] : desk.reference.tree.children(of: c.account.unit)
        var unitLines: [DeskPageModel.UnitLine] = []
        let names = try await desk.accountNames()
        for u in units {
            let versions = try await desk.versions(unit: u, period: p, for: g.read)
            var latest: DeskSubmission?
            if let newest = versions.max(by: { $0.version < $1.version }) { latest = try await desk.submission(id: newest.id, for: g.read) }
            unitLines.append(.init(code: u.rawValue, name: desk.reference.tree.name(of: u) ?? u.rawValue, formLink: "/forms/\(u)/\(p)",
                                   hasVersions: !versions.isEmpty,
                                   versions: versions.map { v in
                                       .init(id: v.id, version: v.version, filename: v.filename, at: desk.localTime(v.uploadedAt), by: names[v.uploadedBy] ?? v.uploadedBy,
                                             returned: v.state == .returned, returnMessage: v.returnMessage ?? "")
                                   },
                                   next: sentence(desk.nextStep(of: latest, for: c.account), c.lang),
                                   latestID: latest?.stored.id))
        }
        let notice = req.uri.queryParameters.get("uploaded").map { pages.say("uploaded_notice", c.lang, ["id": $0]) }
        return pages.page("desk", await frame(c, period: p), DeskPageModel(units: unitLines, notice: notice), lang: c.lang)
    }

    func pageUpload(_ req: Request, _ c: Caller, _ g: Grant<Permit.Upload>) async throws -> Response {
        guard await sessions.allowUpload(c.session.token, limit: options.uploadsPerMinute) else {
            throw DeskError.conflict(Message(zh: "上传过于频繁，请稍候再试", en: "too many uploads; wait a minute"))
        }
        guard let parts = Form.multipart(c.body, contentType: req.headers[.contentType]),
              let file = parts.first(where: { $0.filename != nil && !$0.data.isEmpty }) else {
            throw DeskError.invalid(Message(zh: "请选择要上传的文件", en: "choose a file to upload"))
        }
        // The period of the page the file was chosen on: a file of another period is refused, saying so.
        let expecting = parts.first { $0.name == "period" && $0.filename == nil }.flatMap { String(data: $0.data, encoding: .utf8) }.flatMap(Period.parse)
        let s = try await queuedUpload(file.data, filename: file.filename ?? "upload", expecting: expecting, c, g)
        return Self.redirect("/submissions/\(s.stored.id)\(c.lang == .en ? "?lang=en" : "")")
    }

    func submissionPage(_ id: Int64, _ c: Caller, _ g: Grant<Permit.Read>) async throws -> Response {
        let s = try await desk.submission(id: id, for: g.read)
        let ref = desk.reference, tree = ref.tree, catalog = ref.catalog
        let result = s.validation.result
        let findings = result.findings
        let counts = desk.counts(of: s)
        let sub = SubmissionPageModel.Sub(
            id: s.stored.id, unit: s.stored.unit.rawValue, unitName: tree.name(of: s.stored.unit) ?? s.stored.unit.rawValue,
            version: s.stored.version, filename: s.filename, at: desk.localTime(s.stored.uploadedAt),
            by: (try await desk.accountNames())[s.stored.uploadedBy] ?? s.stored.uploadedBy, digest: s.digest ?? "—",
            status: pages.t(c.lang)["status_\(counts.status.rawValue)"] ?? counts.status.rawValue, statusClass: counts.status.rawValue,
            errors: counts.errors, warnings: counts.warnings, explained: counts.explained, returnMessage: s.stored.returnMessage ?? "",
            returned: s.stored.state == .returned)
        // The sheet as a table: a row per unit, a column per indicator of the form, flagged cells marked.
        var flagged: [UnitCode: [IndicatorID: [Finding]]] = [:]
        var byUnit: [UnitCode: [Finding]] = [:]
        for f in findings {
            guard let u = f.unit else { continue }
            if let i = f.indicator { flagged[u, default: [:]][i, default: []].append(f) } else { byUnit[u, default: []].append(f) }
        }
        let subs = result.submissions.filter { $0.period == s.stored.period }
        let present = Set(subs.flatMap(\.columns))
        let columns = catalog.indicators.filter { present.contains($0.id) }
        var number = 0
        var notes: [SubmissionPageModel.Note] = []
        let mayExplain = DeskPolicy.allows(c.account, .explain) && s.stored.state != .returned && s.isLatest
        func note(_ f: Finding) -> Int {
            number += 1
            notes.append(.init(
                n: number, severity: f.severity.rawValue, severityLabel: f.severity.label(c.lang), rule: f.rule.description,
                unit: f.unit?.rawValue ?? "", unitName: f.unit.flatMap { tree.name(of: $0) } ?? "",
                indicator: f.indicator?.rawValue ?? "",
                indicatorName: f.indicator.flatMap { catalog[$0] }.map { c.lang == .en ? $0.englishName : $0.name } ?? "",
                message: f.message.text(c.lang), fix: f.fix == nil ? nil : f.fixMessage?.text(c.lang),
                cell: f.source?.cell ?? "", explained: f.explained, explanation: f.explanation ?? "",
                canExplain: f.isOpen && f.severity == .warning && mayExplain, value: f.value.map(shortestDecimal)))
            return number
        }
        var rows: [SubmissionPageModel.Row] = []
        let t0 = pages.t(c.lang)
        for sub in subs {
            for r in sub.rows {
                let figures = sub.values.figures(of: r.code)
                let cells: [SubmissionPageModel.Cell] = columns.map { ind in
                    let fs = flagged[r.code]?[ind.id] ?? []
                    let worst = fs.filter(\.isOpen).map(\.severity).max()
                    // A blank declared not applicable is said, not left to look like a figure forgotten.
                    let value = figures[ind.id].map { v in ind.kind.isFlag && (v == 0 || v == 1) ? (t0[v == 1 ? "flag_yes" : "flag_no"] ?? "") : String(format: "%.\(ind.decimals)f", v) }
                        ?? (ind.blank == .notApplicable && sub.columns.contains(ind.id) ? t0["not_applicable"] ?? "" : "")
                    guard !fs.isEmpty else { return .init(value: value, flag: nil, marks: nil) }
                    return .init(value: value, flag: worst.map { "flag-\($0.rawValue)" } ?? "flag-explained",
                                 marks: fs.map { .init(n: note($0), message: $0.message.text(c.lang)) })
                }
                let rowNotes = (byUnit[r.code] ?? []).map { SubmissionPageModel.Mark(n: note($0), message: $0.message.text(c.lang)) }
                rows.append(.init(code: r.code.rawValue, name: r.givenName ?? tree.name(of: r.code) ?? "", cells: cells, rowNotes: rowNotes))
            }
        }
        for f in findings where f.unit == nil { _ = note(f) }
        let signed = Set(counts.signedRoles)
        let t = pages.t(c.lang)
        let current = s.stored.state != .returned && s.isLatest
        let blocked: String? = s.stored.state == .returned ? t["sign_blocked_returned"]
            : !s.isLatest ? t["sign_blocked_superseded"] : counts.errors > 0 ? t["sign_blocked_errors"] : nil
        let signable = DeskPolicy.allows(c.account, .sign) && blocked == nil ? c.account.signs.filter { !signed.contains($0) } : []
        let chain = tree.level(of: s.stored.unit).flatMap { desk.reference.chains.chains[$0] } ?? []
        let awaiting = chain.filter { r in !s.signOffs.contains { r.matches($0.role) } }.map(\.role)
        let model = SubmissionPageModel(
            sub: sub,
            columns: columns.map { .init(name: c.lang == .en ? $0.englishName : $0.name, unit: $0.unit, id: $0.id.rawValue) },
            rows: rows, notes: notes, hasNotes: !notes.isEmpty,
            coverage: result.coverage.flatMap { cov in
                cov.isComplete ? nil : cov.sentence(c.lang) { id in
                    CheckRegistry.descriptors.first { $0.id == id }?.title.text(c.lang) ?? desk.reference.checks.userRules.first { $0.id == id }?.title
                }
            },
            signRoles: signable.map { .init(role: $0) }, canSign: !signable.isEmpty,
            signBlocked: blocked.flatMap { DeskPolicy.allows(c.account, .sign) || DeskPolicy.allows(c.account, .explain) ? $0 : nil },
            signOffs: s.signOffs.map { .init(role: $0.role, name: $0.name, date: $0.date?.description ?? "", current: $0.digest == s.digest) },
            awaiting: current && !awaiting.isEmpty ? awaiting.joined(separator: " → ") : nil,
            declared: s.declaredSignOffs.map { .init(role: $0.role, name: $0.name, date: $0.date?.description ?? $0.dateText ?? "") },
            hasDeclared: !s.declaredSignOffs.isEmpty,
            canReturn: DeskPolicy.allows(c.account, .review) && current,
            next: s.isLatest ? sentence(desk.nextStep(of: s, for: c.account), c.lang) : nil,
            canReupload: DeskPolicy.allows(c.account, .upload) && s.isLatest)
        return pages.page("submission", await frame(c, period: s.stored.period), model, lang: c.lang)
    }

    func pageExplain(_ req: Request, _ ctx: DeskContext, _ c: Caller, _ g: Grant<Permit.Explain>) async throws -> Response {
        let id = try Self.id(ctx)
        let form = Form.urlEncoded(c.body)
        try await desk.explain(submission: id, rule: form["rule"], unit: form["unit"].flatMap { UnitCode($0) }, indicator: form["indicator"],
                         text: form["text"] ?? "", by: g)
        return Self.redirect("/submissions/\(id)\(c.lang == .en ? "?lang=en" : "")")
    }

    func pageSign(_ req: Request, _ ctx: DeskContext, _ c: Caller, _ g: Grant<Permit.Sign>) async throws -> Response {
        let id = try Self.id(ctx)
        _ = try await desk.signOff(submission: id, role: Form.urlEncoded(c.body)["role"] ?? "", by: g)
        return Self.redirect("/submissions/\(id)\(c.lang == .en ? "?lang=en" : "")")
    }

    func pageReturn(_ req: Request, _ ctx: DeskContext, _ c: Caller, _ g: Grant<Permit.Review>) async throws -> Response {
        let id = try Self.id(ctx)
        try await desk.returnSubmission(id: id, message: Form.urlEncoded(c.body)["message"] ?? "", by: g)
        return Self.redirect("/board?period=\(try await desk.submission(id: id, for: g.read).stored.period)\(c.lang == .en ? "&lang=en" : "")")
    }

    /// A rule as `renju rules explain` tells it: what it looks for, its severity and parameters —
    /// where a finding's rule id on a submission page leads.
    func rulePage(_ ctx: DeskContext, _ c: Caller) async throws -> Response {
        let text = ctx.parameters.get("rule") ?? ""
        let e: Workspace.RuleExplanation
        do { e = try desk.workspace.explain(text) } catch {
            throw DeskError.notFound(Message(zh: "没有规则 \(text)", en: "no rule \(text)"))
        }
        let l = e.listing
        let model = RulePageModel(
            id: l.id.description, title: l.title.text(c.lang), severity: l.severity?.rawValue ?? "off",
            severityLabel: l.severity?.label(c.lang) ?? pages.say("severity_off", c.lang),
            byDefault: e.defaultSeverity.flatMap { $0 != l.severity ? $0.label(c.lang) : nil },
            levels: l.levels.map { $0.map(\.rawValue).joined(separator: ", ") } ?? pages.say("levels_all", c.lang),
            about: e.about?.text(c.lang), condition: l.condition, hasParameters: !e.parameters.isEmpty,
            parameters: e.parameters.map { p in
                let value = l.parameters.first { $0.name == p.name }?.value ?? p.defaultValue
                return .init(name: p.name, value: shortestDecimal(value), changed: value != p.defaultValue, defaultValue: shortestDecimal(p.defaultValue),
                             range: "\(shortestDecimal(p.range.lowerBound))–\(shortestDecimal(p.range.upperBound))", about: p.about.text(c.lang))
            })
        return pages.page("rule", await frame(c), model, lang: c.lang)
    }

    func boardPage(_ req: Request, _ c: Caller, _ g: Grant<Permit.Read>) async throws -> Response {
        let p = period(req)
        let lines = try await desk.board(period: p, for: g.read)
        let t = pages.t(c.lang)
        var tally: [String: Int] = [:]
        for l in lines { tally[l.status.rawValue, default: 0] += 1 }
        // The deadline, the days left or past, and the progress; a dash for what does not exist.
        let due = desk.deadline(of: p), today = desk.today
        let left = due.dayNumber - today.dayNumber
        let deadline = pages.say("board_deadline", c.lang, ["deadline": due.description, "period": p.description, "days": "\(desk.reference.chains.deadlineDays)"])
            + "，" + (left >= 0 ? pages.say("board_days_left", c.lang, ["n": "\(left)"]) : pages.say("board_overdue", c.lang, ["n": "\(-left)"]))
        let reported = lines.filter { ![.notSubmitted, .returned].contains($0.status) }.count
        let signed = lines.filter { $0.status == .signed || $0.status == .imported }.count
        let late = lines.filter { $0.status == .notSubmitted && $0.late }.count
        let progress = pages.say("board_progress", c.lang, ["reported": "\(reported)", "signed": "\(signed)", "total": "\(lines.count)", "late": "\(late)"])
        let missing = lines.filter { [.notSubmitted, .returned].contains($0.status) }.count
        let withErrors = lines.filter { $0.status == .errors }.count
        var why: [String] = []
        if missing > 0 { why.append(pages.say("board_draft_missing", c.lang, ["n": "\(missing)"])) }
        if withErrors > 0 { why.append(pages.say("board_draft_errors", c.lang, ["n": "\(withErrors)"])) }
        func count(_ l: BoardLine, _ n: Int) -> String { l.submission == nil ? "—" : "\(n)" }
        let model = BoardPageModel(
            lines: lines.map { l in
                .init(unit: l.unit.rawValue, name: l.unitName, status: t["status_\(l.status.rawValue)"] ?? l.status.rawValue, statusClass: l.status.rawValue,
                      errors: count(l, l.errors), warnings: count(l, l.warnings), explained: count(l, l.explained),
                      signed: l.submission == nil ? "—" : (l.signedRoles.isEmpty ? "—" : l.signedRoles.joined(separator: "、")), late: l.late,
                      id: l.submission?.id, version: l.submission?.version)
            },
            tally: ["not_submitted", "imported", "submitted", "returned", "errors", "warnings", "explained", "signed"].compactMap { (key: String) -> BoardPageModel.Tally? in
                tally[key].map { n in BoardPageModel.Tally(label: t["status_\(key)"] ?? key, count: n, statusClass: key) }
            },
            deadline: deadline, overdue: left < 0, progress: progress,
            draft: why.isEmpty ? nil : pages.say("board_draft", c.lang, ["why": why.joined(separator: c.lang == .zh ? "，" : ", ")]))
        return pages.page("board", await frame(c, period: p), model, lang: c.lang)
    }

    /// 抽查: draw a sample, bring results back, and the rules' hit rates.
    func inspectionsPage(_ req: Request, _ c: Caller, _ g: Grant<Permit.Review>, message: String?) async throws -> Response {
        let p = period(req)
        let summary = try await desk.hitRates(for: g)
        let h = summary.rates, recorded = summary.recorded
        let missed = h.missedRate.map { String(format: "%.1f %%", $0 * 100) } ?? "—"
        let model = InspectionsPageModel(
            seed: Int(Date().timeIntervalSince1970) % 1_000_000, message: message, none: recorded == 0, hasRules: !h.rules.isEmpty,
            rules: h.rules.map { .init(rule: $0.rule.description, units: $0.units, hits: $0.hits, rate: String(format: "%.1f %%", $0.rate * 100), relax: $0.relaxCandidate) },
            missed: pages.say("hit_rates_summary", c.lang, ["recorded": "\(recorded)", "inspected": "\(h.missedFigures)", "wrong": "\(h.missedWrong)", "rate": missed]))
        return pages.page("inspections", await frame(c, period: p), model, lang: c.lang)
    }

    func pageSample(_ req: Request, _ c: Caller, _ g: Grant<Permit.Review>) async throws -> Response {
        let form = Form.urlEncoded(c.body)
        guard let p = form["period"].flatMap(Period.parse), let size = form["size"].flatMap({ Int($0) }), (1...1000).contains(size),
              let seed = form["seed"].flatMap({ UInt64($0) }), let share = form["random_share"].flatMap({ Double($0) }), (0...1).contains(share) else {
            throw DeskError.invalid(Message(zh: "请填写报告期、样本量（1–1000）、随机种子和随机部分比例（0–1）", en: "give the period, a size (1–1000), a seed and a random share (0–1)"))
        }
        let f = try await desk.inspectionSample(period: p, size: size, seed: seed, randomShare: share, for: g)
        return Self.download(f.name, f.bytes)
    }

    func pageVerify(_ req: Request, _ c: Caller, _ g: Grant<Permit.Review>) async throws -> Response {
        guard let parts = Form.multipart(c.body, contentType: req.headers[.contentType]),
              let file = parts.first(where: { $0.filename != nil && !$0.data.isEmpty }) else {
            throw DeskError.invalid(Message(zh: "请选择填好的核实表", en: "choose the filled workbook"))
        }
        let v = try await desk.verifyInspection(file.data, by: g)
        let text = pages.say("verify_recorded", c.lang, ["sample": "\(v.sampleID)", "count": "\(v.results.count)", "confirmed": "\(v.confirmed)", "wrong": "\(v.corrected)"])
        return try await inspectionsPage(req, c, g, message: text)
    }

    func rankingPage(_ req: Request, _ c: Caller, _ g: Grant<Permit.Read>) async throws -> Response {
        let p = period(req)
        let model: RankingPageModel
        do {
            let r = try await desk.ranking(period: p, for: g.read)
            // Units that did not report are listed apart, not ranked at 0.00.
            let entries = r.ranking.entries.filter(\.reported)
            let absent = r.ranking.entries.filter { !$0.reported }.map(\.name)
            let own = DeskPolicy.allows(c.account, .review) || desk.reference.tree.level(of: c.account.unit).map({ $0 <= .county }) == true
                ? nil : pages.say("ranking_own_line", c.lang, ["ranked": "\(r.ranked)"])
            let provisionalMark = r.provisional ? pages.say("provisional_mark", c.lang) : ""
            model = RankingPageModel(
                entries: entries.map { e in
                    .init(rank: e.reported ? "\(e.rank)" : "—", reported: e.reported, hasAward: e.award != nil, name: e.name,
                          score: String(format: "%.2f", e.score),
                          award: e.award.map { ($0 == .redFlag ? self.pages.say("award_red_flag", c.lang) : self.pages.say("award_yellow_card", c.lang)) + provisionalMark } ?? "",
                          awardClass: e.award.map { $0 == .redFlag ? "red-flag" : "yellow-card" } ?? "", admonish: e.admonish,
                          notes: (c.lang == .en && !e.englishNotes.isEmpty ? e.englishNotes : e.notes).joined(separator: "；"),
                          parts: e.parts.map { .init(label: c.lang == .en && !$0.englishLabel.isEmpty ? $0.englishLabel : $0.label, points: String(format: "%.2f", $0.points)) })
                },
                chart: entries.isEmpty ? nil : Charts.bars(entries.map { ($0.name, $0.score, $0.award == .redFlag ? "red-flag" : $0.award == .yellowCard ? "yellow-card" : "") }),
                unitName: r.unitName, message: nil,
                provisional: r.provisional ? pages.say("ranking_provisional", c.lang, ["ranked": "\(r.ranked)", "total": "\(r.townships)"]) : nil,
                absent: absent.isEmpty ? nil : absent.joined(separator: c.lang == .zh ? "、" : ", "), own: own)
        } catch let e as AppError {
            model = RankingPageModel(entries: [], chart: nil, unitName: nil, message: e.text(c.lang), provisional: nil, absent: nil, own: nil)
        }
        return pages.page("ranking", await frame(c, period: p), model, lang: c.lang)
    }

    /// The administrator's accounts: every account of its subtree, what it may do, and the forms.
    func accountsPage(_ req: Request, _ c: Caller, _ g: Grant<Permit.ManageAccounts>, message: String?) async throws -> Response {
        let tree = desk.reference.tree, t = pages.t(c.lang)
        let list = try await desk.managedAccounts(for: g)
        let model = AccountsPageModel(
            accounts: list.map { a in
                .init(login: a.login, name: a.name, role: t["role_\(a.role.rawValue)"] ?? a.role.rawValue, unit: a.unit.rawValue,
                      unitName: tree.name(of: a.unit) ?? a.unit.rawValue, signs: a.signs.joined(separator: "、"), disabled: a.disabled,
                      isSelf: a.login == c.account.login)
            },
            roles: Role.allCases.map { .init(value: $0.rawValue, label: t["role_\($0.rawValue)"] ?? $0.rawValue) },
            message: message)
        return pages.page("accounts", await frame(c), model, lang: c.lang)
    }

    func pageAddAccount(_ req: Request, _ c: Caller, _ g: Grant<Permit.ManageAccounts>) async throws -> Response {
        let form = Form.urlEncoded(c.body)
        guard let role = form["role"].flatMap(Role.init(rawValue:)) else { throw DeskError.invalid(Message(zh: "请选择角色", en: "choose a role")) }
        guard let unit = form["unit"].flatMap({ UnitCode($0.trimmingCharacters(in: .whitespaces)) }), desk.reference.tree[unit] != nil else {
            throw DeskError.invalid(Message(zh: "单位代码不在区划表中", en: "the unit code is not in the divisions list"))
        }
        let signs = (form["signs"] ?? "").split(whereSeparator: { "、,， ".contains($0) }).map(String.init)
        let account = Account(login: (form["login"] ?? "").trimmingCharacters(in: .whitespaces), name: (form["name"] ?? "").trimmingCharacters(in: .whitespaces),
                              role: role, unit: unit, signs: signs)
        guard !account.name.isEmpty else { throw DeskError.invalid(Message(zh: "请填写姓名", en: "give the person's name")) }
        let password = form["password"] ?? ""
        try Passwords.check(password)
        try await desk.addAccount(account, passwordHash: await Self.slowHash(password), by: g)
        return try await accountsPage(req, c, g, message: pages.say("account_added", c.lang, ["login": account.login]))
    }

    func pageAccountAction(_ req: Request, _ ctx: DeskContext, _ c: Caller, _ g: Grant<Permit.ManageAccounts>) async throws -> Response {
        let login = ctx.parameters.get("login") ?? ""
        switch ctx.parameters.get("action") ?? "" {
        case "disable": try await desk.setDisabled(login: login, true, by: g)
        case "enable": try await desk.setDisabled(login: login, false, by: g)
        case "unlock":
            try await desk.unlock(login: login, by: g)
            await throttle.unlock(login: login)
        case "password":
            let password = Form.urlEncoded(c.body)["password"] ?? ""
            try Passwords.check(password)
            try await desk.resetPassword(login: login, passwordHash: await Self.slowHash(password), by: g)
        default: throw DeskError.notFound(Message(zh: "没有这个操作", en: "no such action"))
        }
        return try await accountsPage(req, c, g, message: pages.say("account_done", c.lang, ["login": login]))
    }

    /// bcrypt off the request threads.
    static func slowHash(_ password: String) async -> String {
        await withCheckedContinuation { k in DispatchQueue.global().async { k.resume(returning: Passwords.hash(password)) } }
    }

    func historyPage(_ req: Request, _ c: Caller, _ g: Grant<Permit.Read>) async throws -> Response {
        let q = req.uri.queryParameters
        let ref = desk.reference
        // The county office opens on its first township (its own figures are the townships' sum).
        let choices = desk.historyUnits(for: c.account)
        let unit = q.get("unit").flatMap { UnitCode($0) } ?? (choices.count > 1 && ref.tree.level(of: c.account.unit).map { $0 < .township } == true ? choices[1] : c.account.unit)
        let chosen = q.get("indicator").flatMap { ref.catalog.resolve($0) }
        let shown = chosen.map { [$0] } ?? ref.catalog.indicators.prefix(6).map(\.id)
        var charts: [HistoryPageModel.Chart] = []
        var anyDesk = false
        for id in shown {
            guard let ind = ref.catalog[id] else { continue }
            let series = try await desk.series(unit: unit, indicator: id, for: g.read)
            anyDesk = anyDesk || series.contains(where: \.fromDesk)
            charts.append(.init(name: c.lang == .en ? ind.englishName : ind.name, unit: ind.unit,
                                svg: Charts.line(series.map { ($0.period.description + ($0.fromDesk ? "*" : ""), $0.value) }), empty: series.isEmpty))
        }
        let model = HistoryPageModel(
            unit: unit.rawValue, unitName: ref.tree.name(of: unit) ?? unit.rawValue,
            indicators: ref.catalog.indicators.map { .init(id: $0.id.rawValue, name: c.lang == .en ? $0.englishName : $0.name, selected: $0.id == chosen) },
            charts: charts,
            units: choices.map { .init(code: $0.rawValue, name: ref.tree.name(of: $0) ?? $0.rawValue, selected: $0 == unit) },
            deskNote: anyDesk ? pages.say("history_desk_note", c.lang) : nil)
        return pages.page("history", await frame(c), model, lang: c.lang)
    }
}

/// Charts as inline SVG (no script, no external file): bars for a ranking, a line for a series.
enum Charts {
    static func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func bars(_ items: [(label: String, value: Double, cls: String)]) -> String {
        guard !items.isEmpty else { return "" }
        let w = 640.0, rowH = 22.0, left = 120.0, h = Double(items.count) * rowH + 10
        let maxV = max(items.map(\.value).max() ?? 1, 1)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\">"
        for (i, it) in items.enumerated() {
            let y = Double(i) * rowH + 5, bw = max(0, it.value) / maxV * (w - left - 60)
            s += "<text x=\"\(Int(left - 6))\" y=\"\(Int(y + 15))\" text-anchor=\"end\">\(esc(it.label))</text>"
            s += "<rect class=\"bar \(it.cls)\" x=\"\(Int(left))\" y=\"\(Int(y + 3))\" width=\"\(String(format: "%.1f", bw))\" height=\"\(Int(rowH - 6))\"/>"
            s += "<text x=\"\(String(format: "%.1f", left + bw + 4))\" y=\"\(Int(y + 15))\">\(String(format: "%.2f", it.value))</text>"
        }
        return s + "</svg>"
    }

    static func line(_ points: [(label: String, value: Double)]) -> String {
        guard !points.isEmpty else { return "" }
        let w = 480.0, h = 180.0, pad = 36.0
        let lo = min(points.map(\.value).min() ?? 0, 0), hi = max(points.map(\.value).max() ?? 1, lo + 1)
        func x(_ i: Int) -> Double { points.count == 1 ? w / 2 : pad + Double(i) / Double(points.count - 1) * (w - 2 * pad) }
        func y(_ v: Double) -> Double { h - pad - (v - lo) / (hi - lo) * (h - 2 * pad) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(Int(w)) \(Int(h))\" role=\"img\">"
        s += "<line class=\"axis\" x1=\"\(Int(pad))\" y1=\"\(Int(h - pad))\" x2=\"\(Int(w - pad))\" y2=\"\(Int(h - pad))\"/>"
        s += "<polyline class=\"series\" points=\"" + points.indices.map { String(format: "%.1f,%.1f", x($0), y(points[$0].value)) }.joined(separator: " ") + "\"/>"
        for (i, p) in points.enumerated() {
            s += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"/>", x(i), y(p.value))
            s += "<text x=\"\(String(format: "%.1f", x(i)))\" y=\"\(Int(h - pad + 16))\" text-anchor=\"middle\">\(esc(p.label))</text>"
            s += "<text x=\"\(String(format: "%.1f", x(i)))\" y=\"\(String(format: "%.1f", y(p.value) - 6))\" text-anchor=\"middle\">\(shortestDecimal(p.value))</text>"
        }
        return s + "</svg>"
    }
}
