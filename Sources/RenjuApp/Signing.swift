import Foundation
import RenjuModel
import RenjuReference
import RenjuReading
import RenjuChecks

extension Workspace {
    /// A new key pair written to a folder: `NAME.key` (private, mode 600) and `NAME.pub`.
    /// The folder is made when missing; existing keys are never overwritten.
    /// `algorithm`: Ed25519 (default) or SM2 with SM3 (国密).
    public static func makeKeys(name: String, in folder: String, algorithm: SignOffSignature.Algorithm = .ed25519) throws -> KeyPair {
        // The name is the file's name: only what no file system gives a meaning to.
        let safe = name.filter { !"/\\:*?\"<>|".contains($0) && !$0.isNewline && $0 != "\0" }
            .trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        guard !safe.isEmpty else { throw AppError(zh: "--name 不能为空", en: "--name must not be empty") }
        let dir = URL(fileURLWithPath: folder)
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: dir.path, isDirectory: &isDir) {
            guard isDir.boolValue else { throw AppError(zh: "\(folder) 不是文件夹", en: "\(folder) is not a folder") }
        } else {
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw AppError(zh: "无法建立文件夹 \(folder)（上级文件夹不存在或没有写权限）", en: "cannot make the folder \(folder) (its parent is missing or not writable)")
            }
        }
        let priv = dir.appendingPathComponent("\(safe).key"), pub = dir.appendingPathComponent("\(safe).pub")
        for f in [priv, pub] where FileManager.default.fileExists(atPath: f.path) {
            throw AppError(zh: "\(f.path) 已存在，未覆盖", en: "\(f.path) exists; not overwritten")
        }
        let pair: SignOffSignature.KeyPair
        do { pair = try SignOffSignature.generate(algorithm) } catch {
            throw AppError(zh: "无法生成 \(algorithm.rawValue) 密钥", en: "cannot make an \(algorithm.rawValue) key", cause: error)
        }
        let tag = algorithm.rawValue
        do {
            try "name: \(name)\n\(tag)-private: \(pair.privateKey.base64EncodedString())\n".write(to: priv, atomically: true, encoding: .utf8)
            chmod(priv.path, 0o600)
            try "name: \(name)\n\(tag): \(pair.publicKey.base64EncodedString())\n".write(to: pub, atomically: true, encoding: .utf8)
        } catch {
            throw AppError(zh: "无法写入 \(folder)：\(error.localizedDescription)", en: "cannot write to \(folder): \(error.localizedDescription)")
        }
        return KeyPair(privateKey: priv, publicKey: pub)
    }

    /// What signing did.
    public struct Signed: Sendable {
        public let signOff: SignOff
        /// The sign-off CSV beside the submission.
        public let file: URL
    }

    /// The sign-off CSV Renju keeps beside a submission: `NAME-signoffs.csv`.
    public static func signOffFile(for submission: String) -> URL {
        let url = URL(fileURLWithPath: submission)
        return url.deletingLastPathComponent().appendingPathComponent(url.deletingPathExtension().lastPathComponent + "-signoffs.csv")
    }

    /// Signs one submission in a role of its unit's chain with a private key (from `makeKeys`) and
    /// writes the sign-off into the CSV beside it (a sign-off of the same unit, period and role is
    /// replaced) — never into the data file.
    public func sign(_ file: String, role: String, name: String, keyFile: String, date: CivilDate = .today, period: Period? = nil) throws -> Signed {
        let reference = try reference()
        let input = try read([file], period: period, reference: reference)
        guard input.submissions.count == 1, let sub = input.submissions.first, let period = sub.period,
              let digest = ContentDigest.of(sub) else {
            throw AppError(zh: "\(file) 必须正好包含一份带报告期的报表", en: "\(file) must hold exactly one submission with a period")
        }
        let tree = reference.tree
        guard let unit = sub.reportingUnit(in: tree) else {
            throw AppError(zh: "\(file) 中没有单位", en: "no unit in \(file)")
        }
        let prefixes = SignOffSignature.Algorithm.allCases.map { "\($0.rawValue)-private:" }
        guard let keyText = try? String(contentsOfFile: keyFile, encoding: .utf8),
              let line = keyText.split(whereSeparator: \.isNewline).first(where: { l in prefixes.contains { l.hasPrefix($0) } }),
              let prefix = prefixes.first(where: { line.hasPrefix($0) }),
              let raw = Data(base64Encoded: line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)) else {
            throw AppError(zh: "\(keyFile) 不是 renju keygen 生成的私钥", en: "\(keyFile) is not a private key from renju keygen")
        }
        // The role must be one of the unit's chain (an alias counts as its role).
        if let level = tree[unit]?.level, let chain = reference.chains.chains[level], !chain.isEmpty, !chain.contains(where: { $0.matches(role) }) {
            let roles = chain.map(\.role).joined(separator: " → ")
            throw AppError(zh: "\(role) 不是\(level.rawValue)签字链中的角色（\(roles)），见 signoff.yaml",
                           en: "\(role) is not a role of the \(level.rawValue) sign-off chain (\(roles)); see signoff.yaml")
        }
        let unsigned = SignOff(unit: unit, period: period, role: role, name: name, date: date, digest: digest, source: nil)
        let signature: String
        do { signature = try SignOffSignature.sign(unsigned, privateKey: raw) } catch {
            throw AppError(zh: "无法用 \(keyFile) 签名", en: "cannot sign with \(keyFile)", cause: error)
        }
        // A key that is not the one registered for this name would give a sign-off that fails
        // validation: refused now, where the signer can still fix it.
        let signed = SignOff(unit: unit, period: period, role: role, name: name, date: date, digest: digest, signature: signature, source: nil)
        let registered = reference.keys.keys(for: name)
        if !registered.isEmpty, !registered.contains(where: { SignOffSignature.verify(signed, publicKey: $0) }) {
            throw AppError(zh: "\(keyFile) 不是 reference-data/keys/ 中为 \(name) 登记的密钥：签名将无法通过验证",
                           en: "\(keyFile) is not the key registered for \(name) in reference-data/keys/: the signature would not verify")
        }
        let csv = Self.signOffFile(for: file)
        var kept: [SignOff] = []
        if FileManager.default.fileExists(atPath: csv.path) {
            var existing = InputSet()
            InputLoader(reader: FormReader(catalog: reference.catalog, tree: tree)).read(csv, defaultPeriod: nil, into: &existing)
            kept = existing.signOffs.filter { !($0.unit == unit && $0.period == period && TextNormalizer.key($0.role) == TextNormalizer.key(role)) }
        }
        do { try SignOffTable.csv(kept + [signed]).write(to: csv, atomically: true, encoding: .utf8) } catch {
            throw AppError(zh: "无法写入 \(csv.path)：\(error.localizedDescription)", en: "cannot write \(csv.path): \(error.localizedDescription)")
        }
        return Signed(signOff: signed, file: csv)
    }
}

/// The sign-off CSV layout (SPEC §2): the columns Renju reads back.
public enum SignOffTable {
    public static let header = ["区划代码", "报告期", "角色", "姓名", "日期", "数据摘要", "签名"]

    public static func csv(_ signOffs: [SignOff]) -> String {
        func field(_ s: String) -> String {
            s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        let rows = signOffs.map { s in
            [s.unit.rawValue, s.period?.description ?? "", s.role, s.name, s.date?.description ?? s.dateText ?? "", s.digest ?? "", s.signature ?? ""]
        }
        return ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

/// The two key files `renju keygen` wrote.
public struct KeyPair: Sendable {
    public let privateKey: URL
    public let publicKey: URL
}
