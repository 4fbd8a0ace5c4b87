import Foundation
import Crypto
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

/// Ed25519 signatures binding a signer to a sign-off (role, name, date and digest of the figures).
public enum SignOffSignature {
    public struct KeyPair: Sendable {
        public let privateKey: Data
        public let publicKey: Data
    }

    public static func generate() -> KeyPair {
        let k = Curve25519.Signing.PrivateKey()
        return KeyPair(privateKey: k.rawRepresentation, publicKey: k.publicKey.rawRepresentation)
    }

    public static func publicKey(ofPrivate raw: Data) throws -> Data {
        try Curve25519.Signing.PrivateKey(rawRepresentation: raw).publicKey.rawRepresentation
    }

    /// Base64 signature of the sign-off's canonical text.
    public static func sign(_ s: SignOff, privateKey raw: Data) throws -> String {
        let key = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        return try key.signature(for: Data(s.signedText.utf8)).base64EncodedString()
    }

    public static func verify(_ s: SignOff, publicKey raw: Data) -> Bool {
        guard let sig = s.signature.flatMap({ Data(base64Encoded: $0) }),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(sig, for: Data(s.signedText.utf8))
    }
}
