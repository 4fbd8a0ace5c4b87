import Foundation
import Hummingbird

/// Form bodies as browsers send them: `application/x-www-form-urlencoded`, and
/// `multipart/form-data` for a file upload (bounded by the body's own limit).
enum Form {
    static func urlEncoded(_ body: ByteBuffer) -> [String: String] {
        var out: [String: String] = [:]
        for pair in String(buffer: body).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            if let k = kv.first, !k.isEmpty, out[k] == nil { out[k] = kv.count > 1 ? kv[1] : "" }
        }
        return out
    }

    /// One part of a multipart body.
    struct Part {
        let name: String
        let filename: String?
        let data: Data
    }

    static func boundary(_ contentType: String?) -> String? {
        guard let ct = contentType, ct.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for p in ct.split(separator: ";") {
            let t = p.trimmingCharacters(in: .whitespaces)
            if t.lowercased().hasPrefix("boundary=") {
                let b = t.dropFirst("boundary=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return b.isEmpty || b.count > 200 ? nil : b
            }
        }
        return nil
    }

    /// The parts of a multipart body; nil when it is not one.
    static func multipart(_ body: ByteBuffer, contentType: String?) -> [Part]? {
        guard let b = boundary(contentType) else { return nil }
        let data = Data(buffer: body)
        let delimiter = Data("--\(b)".utf8), crlf2 = Data("\r\n\r\n".utf8)
        var parts: [Part] = []
        var cursor = data.startIndex
        guard let first = data.range(of: delimiter, in: cursor..<data.endIndex) else { return nil }
        cursor = first.upperBound
        while parts.count < 16 {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if data[cursor...].starts(with: Data("--".utf8)) { break }
            guard data[cursor...].starts(with: Data("\r\n".utf8)) else { return nil }
            let headStart = cursor + 2
            guard let headEnd = data.range(of: crlf2, in: headStart..<data.endIndex),
                  let next = data.range(of: Data("\r\n".utf8) + delimiter, in: headEnd.upperBound..<data.endIndex) else { return nil }
            let head = String(decoding: data[headStart..<headEnd.lowerBound], as: UTF8.self)
            var name = "", filename: String?
            for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                for item in line.split(separator: ";").dropFirst() {
                    let kv = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
                    guard kv.count == 2 else { continue }
                    let v = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                    if kv[0] == "name" { name = v } else if kv[0] == "filename" { filename = v }
                }
            }
            parts.append(Part(name: name, filename: filename, data: Data(data[headEnd.upperBound..<next.lowerBound])))
            cursor = next.upperBound
        }
        return parts
    }

    /// A text field of a form body of either kind.
    static func field(_ name: String, in body: ByteBuffer, contentType: String?) -> String? {
        if let parts = multipart(body, contentType: contentType) {
            return parts.first { $0.name == name && $0.filename == nil }.map { String(decoding: $0.data, as: UTF8.self) }
        }
        if contentType?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true { return urlEncoded(body)[name] }
        return nil
    }
}
