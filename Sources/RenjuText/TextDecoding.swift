import Foundation

/// Decodes the bytes of a text file without asking: UTF-8 with or without BOM, UTF-16 with BOM,
/// else GB18030 (which covers GBK and GB2312: what Excel in China writes when it saves CSV).
public enum TextDecoding {
    public enum Encoding: String, Sendable { case utf8, utf16, gb18030 }

    /// Foundation's GB18030 encoding (kCFStringEncodingGB_18030_2000).
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    /// Whether bytes that are not valid UTF-8 nevertheless hold many valid UTF-8 Chinese characters:
    /// a file with lines in both UTF-8 and GBK (pasted together from two sources).
    public static func looksMixed(_ data: Data) -> Bool {
        var valid = 0, invalid = 0
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            while i < b.count {
                let x = b[i]
                if x < 0x80 { i += 1; continue }
                if x >= 0xE0, x <= 0xEF, i + 2 < b.count, b[i + 1] & 0xC0 == 0x80, b[i + 2] & 0xC0 == 0x80 {
                    valid += 1; i += 3; continue
                }
                if x >= 0xC2, x <= 0xDF, i + 1 < b.count, b[i + 1] & 0xC0 == 0x80 { i += 2; continue }
                invalid += 1; i += 1
            }
        }
        return valid >= 4 && invalid >= 4 && Double(valid) >= 0.2 * Double(valid + invalid)
    }

    /// Whether bytes that decode as GB18030 are more likely a Western single-byte encoding
    /// (Latin-1, Windows-1252: `Müller` is FC 6C, a valid but rare GBK pair): GBK text is almost
    /// all GB2312 pairs (both bytes 0xA1–0xFE: the 6,763 common characters and full-width
    /// punctuation), while an accented letter followed by a plain one makes a pair whose second
    /// byte is below 0xA1 — GBK's rarely used extension area. Two such pairs or more, and fewer
    /// GB2312 pairs than others, say the text is not GBK.
    public static func looksSingleByteWestern(_ data: Data) -> Bool {
        var common = 0, rare = 0
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            var i = 0
            while i < b.count {
                let x = b[i]
                if x < 0x80 { i += 1; continue }
                guard i + 1 < b.count else { break }
                let y = b[i + 1]
                if y >= 0x30, y <= 0x39 { rare += 1; i += 4; continue }  // a GB18030 four-byte sequence
                if x >= 0xA1, y >= 0xA1 { common += 1 } else { rare += 1 }
                i += 2
            }
        }
        return rare >= 2 && common < rare
    }

    /// Whether `decode` reads these bytes as UTF-8 just as they are: valid UTF-8 without a byte
    /// order mark. Such bytes can be scanned where they lie, without making a String of them.
    public static func isUnmarkedUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        !(bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF) && isValidUTF8(bytes)
    }

    /// Whether the bytes are well-formed UTF-8 (the Unicode Standard's table 3-7: no overlong
    /// forms, no surrogates, nothing above U+10FFFF) — what `String(validating:as: UTF8.self)`
    /// accepts. Runs of ASCII, most of a form, are passed over eight bytes at a time.
    public static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let n = bytes.count
        let raw = UnsafeRawPointer(base)
        var i = 0
        while i < n {
            if i + 8 <= n, raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8; continue }
            let x = base[i]
            if x < 0x80 { i += 1; continue }
            @inline(__always) func continuation(_ k: Int) -> Bool { k < n && base[k] & 0xC0 == 0x80 }
            switch x {
            case 0xC2...0xDF:
                guard continuation(i + 1) else { return false }
                i += 2
            case 0xE0...0xEF:
                guard i + 1 < n else { return false }
                let y = base[i + 1]
                let low: UInt8 = x == 0xE0 ? 0xA0 : 0x80, high: UInt8 = x == 0xED ? 0x9F : 0xBF
                guard y >= low, y <= high, continuation(i + 2) else { return false }
                i += 3
            case 0xF0...0xF4:
                guard i + 1 < n else { return false }
                let y = base[i + 1]
                let low: UInt8 = x == 0xF0 ? 0x90 : 0x80, high: UInt8 = x == 0xF4 ? 0x8F : 0xBF
                guard y >= low, y <= high, continuation(i + 2), continuation(i + 3) else { return false }
                i += 4
            default:
                return false
            }
        }
        return true
    }

    public static func decode(_ data: Data) -> (text: String, encoding: Encoding)? {
        let bytes = [UInt8](data.prefix(4))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            if let s = String(data: data.dropFirst(3), encoding: .utf8) { return (s, .utf8) }
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            if let s = String(data: data, encoding: .utf16) { return (s, .utf16) }
        }
        if let s = data.withUnsafeBytes({ String(validating: $0.bindMemory(to: UInt8.self), as: UTF8.self) }) { return (s, .utf8) }
        if let s = String(data: data, encoding: gb18030) { return (s, .gb18030) }
        return nil
    }
}
