import ArgumentParser
import Foundation
import Hummingbird
import RenjuModel
import RenjuApp
import RenjuStoreCore
import RenjuWeb

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The web desk: townships upload, the county reviews, explains, signs and exports in a browser.",
        discussion: """
        Serves the desk on http://HOST:PORT (default 127.0.0.1:8080, this machine only). Accounts \
        come from `renju user add`; the store is the same as `renju db` uses (default renju.sqlite).
        With --tls-cert and --tls-key (PEM) it serves HTTPS (HTTP/1.1 and HTTP/2), its session \
        cookie is Secure and every answer carries HSTS. Listening on any address but this machine's \
        own (127.0.0.1, ::1, localhost) needs TLS, or --insecure-http (behind the office's TLS proxy). \
        A renewed certificate is taken by restarting the desk (systemctl restart renju).
        """)
    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var targets: TargetsOption
    @OptionGroup var asOf: AsOfOption
    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "The address to listen on.") var host: String = "127.0.0.1"
    @Option(name: .long, help: "The port to listen on.") var port: Int = 8080
    @Option(name: .customLong("max-upload-mib"), help: "The largest upload accepted, MiB.") var maxUpload: Int = 16
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("HTTPS: the certificate chain (PEM).", valueName: "file")) var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: ArgumentHelp("HTTPS: the private key (PEM).", valueName: "file")) var tlsKey: String?
    @Option(name: .customLong("log-dir"), help: ArgumentHelp("Write the access log here: a line per request (time, address, login, path, status), a file a day.", valueName: "dir")) var logDir: String?
    @Option(name: .customLong("log-days"), help: "Days of access log kept (the Cybersecurity Law asks for at least 180).") var logDays: Int = 180
    @Flag(name: .customLong("insecure-http"), help: "Serve plain HTTP on an address other than this machine's (only behind a TLS proxy).") var insecureHTTP = false

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if logDays < 1 { throw ValidationError("--log-days: at least 1 (180 or more is what the Cybersecurity Law asks)") }
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
        if !loopback && tlsCert == nil && !insecureHTTP {
            throw ValidationError("refusing plain HTTP on \(host): passwords would cross the network unencrypted. Give --tls-cert and --tls-key (README: a certificate for an intranet name), or --insecure-http when a TLS proxy in front of the desk does it / 拒绝在 \(host) 上以明文 HTTP 提供服务：请用 --tls-cert 和 --tls-key 启用 HTTPS，或在前面有 TLS 代理时加 --insecure-http")
        }
    }

    mutating func run() async throws {
        let workspace = reference.workspace(targets: targets.targets)
        let openedStore = try await Workspace.openDeskStore(storePath(self.store), migrate: true)
        let store = openedStore.store
        if try await store.accounts().isEmpty {
            throw AppError(zh: "数据库中还没有账号：先用 renju user add --db \(store.path) --role admin … 建立第一个账号",
                           en: "no accounts yet: add the first with `renju user add --db \(store.path) --role admin …`")
        }
        let desk = try Desk(workspace: workspace, store: store, asOf: asOf.asOf, maxUploadBytes: maxUpload * 1_048_576)
        var options = DeskOptions(pages: URL(fileURLWithPath: workspace.locations.templates).appendingPathComponent("web").path)
        options.host = host; options.port = port; options.maxUploadBytes = maxUpload * 1_048_576
        options.tlsCertificate = tlsCert; options.tlsKey = tlsKey
        options.logFolder = logDir; options.logDays = logDays
        let server = try await DeskServer(desk: desk, options: options)
        let app = try server.application()
        writeStderr("renju: the desk is at \(options.usesTLS ? "https" : "http")://\(host):\(port)/ (store \(store.path)); Ctrl-C stops it")
        try await app.runService()
    }
}

struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Desk accounts: add, list, disable, enable, unlock.",
        subcommands: [UserAdd.self, UserList.self, UserDisable.self, UserEnable.self, UserUnlock.self])
}

struct UserAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a desk account; the password is read from stdin (one line).",
        discussion: "Roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")). A user sees and changes only units under --unit.")
    @OptionGroup var reference: ReferenceOptions
    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "The login name.") var login: String
    @Option(name: .long, help: "The person's name (as signed on sign-offs).") var name: String
    @Option(name: .long, help: "clerk, signer, reviewer, viewer or admin.") var role: String
    @Option(name: .long, help: "The division code of the user's unit.") var unit: String
    @Option(name: .long, parsing: .upToNextOption, help: "Sign-off chain roles the user signs in (signer, clerk).") var signs: [String] = []

    mutating func run() async throws {
        guard let r = Role(rawValue: role) else {
            throw ValidationError("--role: one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let workspace = reference.workspace()
        let ref = try workspace.reference()
        let code = try Workspace.unit(unit, in: ref)
        let account = Account(login: login, name: name, role: r, unit: code, signs: signs)
        let openedStore = try await Workspace.openDeskStore(storePath(self.store), create: true)
        let store = openedStore.store, created = openedStore.created
        let desk = try Desk(workspace: workspace, store: store, asOf: nil)
        try desk.checkAccount(account)
        guard let line = readLine(strippingNewline: true) else {
            throw AppError(zh: "请从标准输入提供密码（一行）", en: "give the password on stdin (one line)")
        }
        try Passwords.check(line)
        try await store.addAccount(account, passwordHash: Passwords.hash(line))
        if created { writeStderr("renju: created a new store at \(store.path)") }
        writeStderr("renju: added \(login) (\(r.rawValue), \(ref.tree.name(of: code) ?? code.rawValue))")
    }
}

struct UserList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the desk accounts.")
    @OptionGroup var store: StoreOptions
    mutating func run() async throws {
        let openedStore = try await Workspace.openDeskStore(storePath(self.store))
        let store = openedStore.store
        for a in try await store.accounts() {
            let signs = a.signs.isEmpty ? "" : "  signs: \(a.signs.joined(separator: "、"))"
            print("\(padded(a.login, to: 16)) \(padded(a.name, to: 10)) \(padded(a.role.rawValue, to: 9)) \(a.unit)\(a.disabled ? "  (disabled)" : "")\(signs)")
        }
    }
}

struct UserDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a desk account (its sessions end at their next request).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The login.") var login: String
    mutating func run() async throws {
        let openedStore = try await Workspace.openDeskStore(storePath(self.store), migrate: true)
        let store = openedStore.store
        guard try await store.setDisabled(login: login, true) else { throw AppError(zh: "没有账号 \(login)", en: "no account \(login)") }
        writeStderr("renju: disabled \(login)")
    }
}

struct UserEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled desk account again.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The login.") var login: String
    mutating func run() async throws {
        let openedStore = try await Workspace.openDeskStore(storePath(self.store), migrate: true)
        let store = openedStore.store
        guard try await store.setDisabled(login: login, false) else { throw AppError(zh: "没有账号 \(login)", en: "no account \(login)") }
        writeStderr("renju: enabled \(login)")
    }
}

struct UserUnlock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Lift a login's lock after failed sign-ins (the running desk sees it within seconds; audited).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The login.") var login: String
    mutating func run() async throws {
        let openedStore = try await Workspace.openDeskStore(storePath(self.store), migrate: true)
        let store = openedStore.store
        guard try await store.account(login: login) != nil else { throw AppError(zh: "没有账号 \(login)", en: "no account \(login)") }
        try await store.log(.account, who: "renju user unlock", submission: nil, unit: nil, period: nil, detail: "unlock \(login)", now: Date())
        writeStderr("renju: unlocked \(login)")
    }
}
