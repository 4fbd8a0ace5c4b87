import Foundation

/// Decodes the bytes of a text file without asking: UTF-8 with or without BOM, UTF-16 with BOM,
/// else GB18030 (which covers GBK and GB2312: what Excel in China writes when it saves CSV).
public enum TextDecoding {
    public enum Encoding: String, Sendable { case utf8, utf16, gb18030 }

    /// Foundation's GB18030 encoding (kCFStringEncodingGB_18030_2000).
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)

    public static func decode(_ data: Data) -> (text: String, encoding: Encoding)? {
        let bytes = [UInt8](data.prefix(4))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            if let s = String(data: data.dropFirst(3), encoding: .utf8) { return (s, .utf8) }
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            if let s = String(data: data, encoding: .utf16) { return (s, .utf16) }
        }
        if let s = String(data: data, encoding: .utf8) { return (s, .utf8) }
        if let s = String(data: data, encoding: gb18030) { return (s, .gb18030) }
        return nil
    }
}
