import Foundation
import Crypto
import CRenjuSM2
import RenjuModel
import RenjuReference

/// The content digest of a submission (SPEC §5): SHA-256, lowercase hex, over one line per value,
/// `period|unit_code|indicator_id|value`, sorted by unit code then indicator id, joined by `\n`,
/// values in shortest form (flags 1/0), blanks left out. The same figures give the same digest
/// whatever the file layout.
public enum ContentDigest {
    public static func text(of values: PeriodValues, period: Period) -> String {
        String(decoding: bytes(of: values, period: period), as: UTF8.self)
    }

    /// The digested text as UTF-8 bytes, built without a string per figure.
    static func bytes(of values: PeriodValues, period: Period) -> [UInt8] {
        let order = values.indicators.indices.sorted {
            values.indicators[$0].rawValue.utf8.lexicographicallyPrecedes(values.indicators[$1].rawValue.utf8)
        }
        let ids = values.indicators.map { Array($0.rawValue.utf8) }
        let prefix = Array("\(period)|".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(values.codes.count * values.indicators.count * 40)
        var first = true
        for unit in values.units {
            guard let r = values.row(of: unit) else { continue }
            let code = Array(unit.rawValue.utf8)
            for c in order {
                guard let v = values.value(row: r, column: c) else { continue }
                if !first { out.append(0x0A) }
                first = false
                out.append(contentsOf: prefix); out.append(contentsOf: code); out.append(0x7C)
                out.append(contentsOf: ids[c]); out.append(0x7C)
                out.append(contentsOf: shortestDecimal(v).utf8)
            }
        }
        return out
    }

    public static func sha256(of values: PeriodValues, period: Period) -> String {
        let digest = SHA256.hash(data: bytes(of: values, period: period))
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in digest { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func of(_ sub: Submission) -> String? {
        guard let p = sub.period else { return nil }
        return sha256(of: sub.values, period: p)
    }
}

/// Signatures binding a signer to a sign-off (role, name, date and digest of the figures):
/// Ed25519, or SM2 with SM3 (国密, through the system's OpenSSL 3) for systems under 密评. A key
/// says which it is: an Ed25519 key is its 32 raw bytes, an SM2 key is DER (PKCS#8 private,
/// SubjectPublicKeyInfo public, naming the SM2 curve).
public enum SignOffSignature {
    public enum Algorithm: String, Sendable, CaseIterable { case ed25519, sm2 }

    public struct KeyPair: Sendable {
        public let privateKey: Data
        public let publicKey: Data
        public let algorithm: Algorithm
    }

    public static func algorithm(ofKey key: Data) -> Algorithm { key.count == 32 ? .ed25519 : .sm2 }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func generate(_ algorithm: Algorithm = .ed25519) throws -> KeyPair {
        switch algorithm {
        case .ed25519:
            let k = Curve25519.Signing.PrivateKey()
            return KeyPair(privateKey: k.rawRepresentation, publicKey: k.publicKey.rawRepresentation, algorithm: .ed25519)
        case .sm2:
            var priv: UnsafeMutablePointer<UInt8>?, pub: UnsafeMutablePointer<UInt8>?
            var privLen = 0, pubLen = 0
            guard renju_sm2_generate(&priv, &privLen, &pub, &pubLen) == 1, let priv, let pub else {
                throw Failure(description: "OpenSSL could not make an SM2 key (is SM2 enabled in the system's OpenSSL 3?)")
            }
            defer { renju_sm2_free(priv); renju_sm2_free(pub) }
            return KeyPair(privateKey: Data(bytes: priv, count: privLen), publicKey: Data(bytes: pub, count: pubLen), algorithm: .sm2)
        }
    }

    public static func publicKey(ofPrivate raw: Data) throws -> Data {
        if algorithm(ofKey: raw) == .ed25519 { return try Curve25519.Signing.PrivateKey(rawRepresentation: raw).publicKey.rawRepresentation }
        var pub: UnsafeMutablePointer<UInt8>?
        var len = 0
        let ok = raw.withUnsafeBytes { b in renju_sm2_public_of(b.bindMemory(to: UInt8.self).baseAddress, raw.count, &pub, &len) }
        guard ok == 1, let pub else { throw Failure(description: "not an SM2 private key") }
        defer { renju_sm2_free(pub) }
        return Data(bytes: pub, count: len)
    }

    /// Whether bytes are a public key of either kind.
    public static func isPublicKey(_ key: Data) -> Bool {
        if algorithm(ofKey: key) == .ed25519 { return (try? Curve25519.Signing.PublicKey(rawRepresentation: key)) != nil }
        return key.withUnsafeBytes { b in renju_sm2_is_public_key(b.bindMemory(to: UInt8.self).baseAddress, key.count) } == 1
    }

    /// Base64 signature of the sign-off's canonical text.
    public static func sign(_ s: SignOff, privateKey raw: Data) throws -> String {
        let message = Data(s.signedText.utf8)
        if algorithm(ofKey: raw) == .ed25519 {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            return try key.signature(for: message).base64EncodedString()
        }
        var sig: UnsafeMutablePointer<UInt8>?
        var len = 0
        let ok = raw.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                renju_sm2_sign(k.bindMemory(to: UInt8.self).baseAddress, raw.count, m.bindMemory(to: UInt8.self).baseAddress, message.count, &sig, &len)
            }
        }
        guard ok == 1, let sig else { throw Failure(description: "SM2 signing failed (not an SM2 private key?)") }
        defer { renju_sm2_free(sig) }
        return Data(bytes: sig, count: len).base64EncodedString()
    }

    public static func verify(_ s: SignOff, publicKey raw: Data) -> Bool {
        guard let sig = s.signature.flatMap({ Data(base64Encoded: $0) }) else { return false }
        let message = Data(s.signedText.utf8)
        if algorithm(ofKey: raw) == .ed25519 {
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
            return key.isValidSignature(sig, for: message)
        }
        return raw.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                sig.withUnsafeBytes { g in
                    renju_sm2_verify(k.bindMemory(to: UInt8.self).baseAddress, raw.count, m.bindMemory(to: UInt8.self).baseAddress, message.count,
                                     g.bindMemory(to: UInt8.self).baseAddress, sig.count)
                }
            }
        } == 1
    }
}

/// The content digest of a rule set (审核规则集): SHA-256 over every check's configured severity,
/// levels and parameters, the identities, and each user or imported rule's meaning (its canonical
/// formula), severity, levels, periods and 序号 — recorded with each import, shown on the desk, so
/// that one can tell which rules checked a period.
public enum RuleSetDigest {
    public static func of(_ checks: CheckSettings) -> String {
        var lines: [String] = []
        for (id, s) in checks.settings.sorted(by: { $0.key < $1.key }) {
            let params = s.params.sorted { $0.key < $1.key }.map { "\($0.key)=\(shortestDecimal($0.value))" }.joined(separator: ",")
            let levels = s.levels.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "*"
            lines.append("check|\(id)|\(s.enabled ? s.severity.rawValue : "off")|\(levels)|\(params)")
        }
        for p in checks.partWhole { lines.append("part_whole|\(p.part)|\(p.whole)") }
        for p in checks.requires { lines.append("requires|\(p.when)|\(p.then)") }
        for r in checks.userRules.sorted(by: { $0.id < $1.id }) {
            let levels = r.levels.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "*"
            lines.append("rule|\(r.id)|\(r.ref ?? "")|\(r.severity.rawValue)|\(levels)|\(r.from?.description ?? "")|\(r.until?.description ?? "")|\(r.assertion.canonical)")
        }
        let digest = SHA256.hash(data: Data(lines.joined(separator: "\n").utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }
}
