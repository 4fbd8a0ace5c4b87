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
