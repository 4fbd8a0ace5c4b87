import Foundation
import Crypto
import RenjuModel

/// The content digest of a submission (SPEC §5): SHA-256, lowercase hex, over one line per value,
/// `period|unit_code|indicator_id|value`, sorted by unit code then indicator id, joined by `\n`,
/// values in shortest form (flags 1/0), blanks left out. The same figures give the same digest
/// whatever the file layout.
public enum ContentDigest {
    public static func text(of values: PeriodValues, period: Period) -> String {
        var lines: [String] = []
        for unit in values.units {
            let figures = values.entries(of: unit).sorted { $0.indicator.rawValue.utf8.lexicographicallyPrecedes($1.indicator.rawValue.utf8) }
            for (id, o) in figures { lines.append("\(period)|\(unit)|\(id)|\(shortestDecimal(o.value))") }
        }
        return lines.joined(separator: "\n")
    }

    public static func sha256(of values: PeriodValues, period: Period) -> String {
        let digest = SHA256.hash(data: Data(text(of: values, period: period).utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
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
