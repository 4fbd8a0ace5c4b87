import ArgumentParser
import Foundation
import RenjuModel
import RenjuReading
import RenjuReference
import RenjuChecks

struct Digest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the content digest (数据摘要) of each submission.",
        discussion: """
        SHA-256 over the submission's figures (SPEC §5); the same figures give the same digest \
        whatever the layout (xlsx, wide CSV, long CSV). A sign-off that carries it binds the signer \
        to exactly these figures.

          renju digest 吉强镇.xlsx
        """
    )

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Files and folders to read.", valueName: "input"))
    var inputs: [String]

    func run() throws {
        let (_, input) = try Session.read(common, inputs: inputs)
        var any = false
        for sub in input.submissions {
            guard let d = ContentDigest.of(sub) else { continue }
            any = true
            let root = sub.rows.first?.code.rawValue ?? "-"
            say("\(d)  \(root)  \(sub.period?.description ?? "")  \(sub.file)")
        }
        if !any { writeStderr("renju: no submission with a period in the input"); throw ExitCode(2) }
    }
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make an Ed25519 key pair for signing returns.",
        discussion: """
        Writes NAME.key (private: keep it to yourself) and NAME.pub (public: give it to the county \
        office, which puts it in reference-data/keys/).

          renju keygen --name 张三 --out ~/keys
        """
    )

    @Option(name: .long, help: "The signer's name, as it is written on sign-offs.")
    var name: String

    @Option(name: .long, help: ArgumentHelp("Folder to write the two files to.", valueName: "dir"))
    var out: String = "."

    func run() throws {
        let safe = name.filter { !"/\\:*?\"<>|".contains($0) }
        guard !safe.isEmpty else { throw ValidationError("--name must not be empty") }
        let pair = SignOffSignature.generate()
        let dir = URL(fileURLWithPath: out)
        let priv = dir.appendingPathComponent("\(safe).key"), pub = dir.appendingPathComponent("\(safe).pub")
        for f in [priv, pub] where FileManager.default.fileExists(atPath: f.path) {
            writeStderr("renju: \(f.path) exists; not overwritten"); throw ExitCode(2)
        }
        do {
            try "name: \(name)\ned25519-private: \(pair.privateKey.base64EncodedString())\n".write(to: priv, atomically: true, encoding: .utf8)
            chmod(priv.path, 0o600)
            try "name: \(name)\ned25519: \(pair.publicKey.base64EncodedString())\n".write(to: pub, atomically: true, encoding: .utf8)
        } catch {
            writeStderr("renju: \(error)"); throw ExitCode(2)
        }
        print("private key: \(priv.path)\npublic key:  \(pub.path)  (copy it into reference-data/keys/)")
    }
}

struct Sign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a submission: write your sign-off (role, name, date, digest, signature) beside it.",
        discussion: """
        The sign-off goes into the sign-off CSV beside the submission (FILE-signoffs.csv) — never \
        into the data file. A sign-off of the same unit, period and role is replaced.

          renju sign --role 统计负责人 --name 李四 --key 李四.key 吉强镇.xlsx
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "The role you sign in (填表人, 统计负责人, 单位负责人, …).")
    var role: String

    @Option(name: .long, help: "Your name, as registered with your public key.")
    var name: String

    @Option(name: .long, help: ArgumentHelp("Your private key file (from renju keygen).", valueName: "file"))
    var key: String

    @Option(name: .long, help: ArgumentHelp("The date of signing (default: today).", valueName: "date"))
    var date: String?

    @Argument(help: ArgumentHelp("The submission to sign.", valueName: "file"))
    var file: String

    func run() throws {
        let (reference, input) = try Session.read(common, inputs: [file])
        guard input.submissions.count == 1, let sub = input.submissions.first, let period = sub.period,
              let digest = ContentDigest.of(sub) else {
            writeStderr("renju: \(file) must hold exactly one submission with a period"); throw ExitCode(2)
        }
        guard let unit = sub.roots(in: reference.tree).min(by: { (reference.tree[$0]?.level.depth ?? 9) < (reference.tree[$1]?.level.depth ?? 9) }) else {
            writeStderr("renju: no unit in \(file)"); throw ExitCode(2)
        }
        guard let keyText = try? String(contentsOfFile: key, encoding: .utf8),
              let line = keyText.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("ed25519-private:") }),
              let raw = Data(base64Encoded: line.dropFirst("ed25519-private:".count).trimmingCharacters(in: .whitespaces)) else {
            writeStderr("renju: \(key) is not a private key from renju keygen"); throw ExitCode(2)
        }
        // The role must be one of the unit's chain (an alias counts as its role).
        if let level = reference.tree[unit]?.level, let chain = reference.chains.chains[level], !chain.isEmpty,
           !chain.contains(where: { $0.matches(role) }) {
            writeStderr("renju: \(role) is not a role of the \(level.rawValue) sign-off chain (\(chain.map(\.role).joined(separator: " → "))); see signoff.yaml")
            throw ExitCode(2)
        }
        let when: CivilDate
        if let date { guard let d = CivilDate.parse(date) else { throw ValidationError("--date: not a date") }; when = d } else { when = CivilDate.today }
        let unsignedOff = SignOff(unit: unit, period: period, role: role, name: name, date: when, digest: digest, source: nil)
        let signature: String
        do { signature = try SignOffSignature.sign(unsignedOff, privateKey: raw) } catch {
            writeStderr("renju: cannot sign with \(key): \(error)"); throw ExitCode(2)
        }
        // A key that is not the one registered for this name would give a sign-off that fails
        // validation: refused now, where the signer can still fix it.
        let registered = reference.keys.keys(for: name)
        let signedOff = SignOff(unit: unit, period: period, role: role, name: name, date: when, digest: digest, signature: signature, source: nil)
        if !registered.isEmpty, !registered.contains(where: { SignOffSignature.verify(signedOff, publicKey: $0) }) {
            writeStderr("renju: \(key) is not the key registered for \(name) in reference-data/keys/: the signature would not verify")
            throw ExitCode(2)
        }
        // The sign-off CSV beside the submission.
        let url = URL(fileURLWithPath: file)
        let csv = url.deletingLastPathComponent().appendingPathComponent(url.deletingPathExtension().lastPathComponent + "-signoffs.csv")
        var rows: [[String]] = []
        if FileManager.default.fileExists(atPath: csv.path) {
            var existing = InputSet()
            InputLoader(reader: FormReader(catalog: reference.catalog, tree: reference.tree)).read(csv, defaultPeriod: nil, into: &existing)
            for s in existing.signOffs where !(s.unit == unit && s.period == period && TextNormalizer.key(s.role) == TextNormalizer.key(role)) {
                rows.append([s.unit.rawValue, s.period?.description ?? "", s.role, s.name, s.date?.description ?? s.dateText ?? "", s.digest ?? "", s.signature ?? ""])
            }
        }
        rows.append([unit.rawValue, period.description, role, name, when.description, digest, signature])
        func field(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        let text = (["区划代码,报告期,角色,姓名,日期,数据摘要,签名"] + rows.map { $0.map(field).joined(separator: ",") }).joined(separator: "\n") + "\n"
        do { try text.write(to: csv, atomically: true, encoding: .utf8) } catch { writeStderr("renju: \(error)"); throw ExitCode(2) }
        say("\(role) \(name) signed \(unit) \(period) on \(when): digest \(digest)\n→ \(csv.path)")
    }
}
