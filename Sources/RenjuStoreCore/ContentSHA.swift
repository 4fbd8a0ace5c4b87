import Crypto
import Foundation

/// The SHA-256 of a stored file, in hex: its name in every store.
public enum ContentSHA {
    public static func hex(_ bytes: Data) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }
}
