import Foundation
import RenjuText
import CRenjuZlib

/// Locates and inflates the parts of a zip package with hard limits: the central directory is
/// read here (ZIP64 too; entry names in UTF-8 or, from Chinese zip tools, GBK) and each part is
/// inflated with zlib from the central directory's offsets. ZIPFoundation's inflate loop never
/// ends on a truncated deflate stream (found by fuzzing: a 4 KB workbook hung the reader for
/// ever), and its archive was only ever used to list the entries, which this does as well.
struct ZipParts {
    struct Record {
        let method: UInt16
        let compressedSize: UInt64
        let uncompressedSize: UInt64
        let localHeaderOffset: UInt64
    }

    let bytes: Data
    let records: [String: Record]
    /// Entry names by their normalised form (see `normalise`), for parts named loosely.
    let byKey: [String: String]

    typealias Failure = XLSXReader.Failure

    init(url: URL) throws {
        do { bytes = try Data(contentsOf: url, options: .alwaysMapped) } catch { throw Failure("无法打开文件 / cannot open the file") }
        records = try Self.centralDirectory(bytes)
        var keys: [String: String] = [:]
        for name in records.keys.sorted() where keys[Self.normalise(name)] == nil { keys[Self.normalise(name)] = name }
        byKey = keys
    }

    /// A part name as packagers differ in writing it: backslashes for slashes (Windows zip tools),
    /// a leading slash, percent-encoding (`%E6%95%B0`), letter case (part names are
    /// case-insensitive in OPC).
    static func normalise(_ name: String) -> String {
        var n = name.replacingOccurrences(of: "\\", with: "/")
        while n.hasPrefix("/") || n.hasPrefix("./") { n.removeFirst(n.hasPrefix("/") ? 1 : 2) }
        if n.contains("%"), let decoded = n.removingPercentEncoding { n = decoded }
        return n.precomposedStringWithCanonicalMapping.lowercased()
    }

    /// The entry holding a part, found however the package spells its name.
    func entry(named part: String) -> String? {
        if records[part] != nil { return part }
        return byKey[Self.normalise(part)]
    }

    static func u16(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt16 { UInt16(b[i]) | UInt16(b[i + 1]) << 8 }
    static func u32(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt32 { UInt32(u16(b, i)) | UInt32(u16(b, i + 2)) << 16 }
    static func u64(_ b: UnsafeRawBufferPointer, _ i: Int) -> UInt64 { UInt64(u32(b, i)) | UInt64(u32(b, i + 4)) << 32 }

    static func centralDirectory(_ data: Data) throws -> [String: Record] {
        try data.withUnsafeBytes { (b: UnsafeRawBufferPointer) -> [String: Record] in
            let n = b.count
            guard n >= 22 else { throw Failure("不是有效的 zip 文件 / not a zip") }
            // End of central directory: the last signature within the final 64 KiB + 22 bytes.
            var eocd = -1
            var i = n - 22
            while i >= max(0, n - 22 - 65_535) {
                if u32(b, i) == 0x0605_4B50 { eocd = i; break }
                i -= 1
            }
            guard eocd >= 0 else { throw Failure("找不到 zip 目录 / no zip directory") }
            var count = Int(u16(b, eocd + 10))
            var offset = UInt64(u32(b, eocd + 16))
            // ZIP64 end of central directory locator just before.
            if (count == 0xFFFF || offset == 0xFFFF_FFFF), eocd >= 20, u32(b, eocd - 20) == 0x0706_4B50 {
                let z = Int(clamping: u64(b, eocd - 12))
                if z >= 0, z + 56 <= n, u32(b, z) == 0x0606_4B50 {
                    count = Int(clamping: u64(b, z + 32))
                    offset = u64(b, z + 48)
                }
            }
            guard count <= 10_000 else { throw Failure("压缩包条目过多 / too many entries in the package") }
            var out: [String: Record] = [:]
            var p = Int(clamping: offset)
            for _ in 0..<count {
                guard p >= 0, p + 46 <= n, u32(b, p) == 0x0201_4B50 else { throw Failure("zip 目录已损坏 / corrupt zip directory") }
                let method = u16(b, p + 10)
                var csize = UInt64(u32(b, p + 20)), usize = UInt64(u32(b, p + 24))
                let nameLen = Int(u16(b, p + 28)), extraLen = Int(u16(b, p + 30)), commentLen = Int(u16(b, p + 32))
                var local = UInt64(u32(b, p + 42))
                guard p + 46 + nameLen + extraLen <= n else { throw Failure("zip 目录已损坏 / corrupt zip directory") }
                let nameBytes = Data(UnsafeRawBufferPointer(rebasing: b[(p + 46)..<(p + 46 + nameLen)]))
                // Names are UTF-8 (flag bit 11, or plain ASCII); zip tools on Chinese Windows write GBK.
                let name = String(data: nameBytes, encoding: .utf8)
                    ?? TextDecoding.decode(nameBytes).map(\.0) ?? String(decoding: nameBytes, as: UTF8.self)
                // ZIP64 extra field: the sizes and offset that are 0xFFFFFFFF, in that order.
                var e = p + 46 + nameLen
                let end = e + extraLen
                while e + 4 <= end {
                    let id = u16(b, e), len = Int(u16(b, e + 2))
                    var f = e + 4
                    if id == 0x0001 {
                        if usize == 0xFFFF_FFFF, f + 8 <= e + 4 + len { usize = u64(b, f); f += 8 }
                        if csize == 0xFFFF_FFFF, f + 8 <= e + 4 + len { csize = u64(b, f); f += 8 }
                        if local == 0xFFFF_FFFF, f + 8 <= e + 4 + len { local = u64(b, f); f += 8 }
                    }
                    e += 4 + len
                }
                out[name] = Record(method: method, compressedSize: csize, uncompressedSize: usize, localHeaderOffset: local)
                p += 46 + nameLen + extraLen + commentLen
            }
            return out
        }
    }

    /// The inflated bytes of a part, stopping at `cap` bytes or a ratio past `maxRatio` (after 1 MiB).
    func extract(_ name: String, cap: Int, maxRatio: Double) throws -> Data? {
        guard let r = records[name] else { return nil }
        return try bytes.withUnsafeBytes { (b: UnsafeRawBufferPointer) -> Data in
            let n = b.count
            let h = Int(clamping: r.localHeaderOffset)
            guard h >= 0, h + 30 <= n, Self.u32(b, h) == 0x0403_4B50 else { throw Failure("部件 \(name) 的位置已损坏 / part \(name): corrupt local header") }
            let start = h + 30 + Int(Self.u16(b, h + 26)) + Int(Self.u16(b, h + 28))
            guard r.compressedSize <= UInt64(n), start <= n, UInt64(start) + r.compressedSize <= UInt64(n) else {
                throw Failure("部件 \(name) 的长度超出文件 / part \(name) claims more bytes than the file holds")
            }
            let input = UnsafeRawBufferPointer(rebasing: b[start..<(start + Int(r.compressedSize))])
            switch r.method {
            case 0:
                guard input.count <= cap else { throw Failure("部件 \(name) 过大 / part \(name) too large") }
                return Data(input)
            case 8:
                return try Self.inflateRaw(input, name: name, cap: cap, maxRatio: maxRatio)
            default:
                throw Failure("部件 \(name) 使用了不支持的压缩方式 \(r.method) / unsupported compression method")
            }
        }
    }

    static func inflateRaw(_ input: UnsafeRawBufferPointer, name: String, cap: Int, maxRatio: Double) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure("无法解压 / cannot inflate")
        }
        defer { inflateEnd(&stream) }
        var out = Data()
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        guard let base = input.baseAddress else { throw Failure("部件 \(name) 为空 / part \(name) is empty") }
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        stream.avail_in = uInt(input.count)
        let compressed = max(1.0, Double(input.count))
        while true {
            let produced: Int = buffer.withUnsafeMutableBufferPointer { buf in
                stream.next_out = buf.baseAddress
                stream.avail_out = uInt(chunk)
                let before = stream.avail_out
                let rc = CRenjuZlib.inflate(&stream, Z_NO_FLUSH)
                if rc == Z_STREAM_END { return -Int(before - stream.avail_out) - 1 }  // done: encode the count
                if rc != Z_OK { return Int.min }
                return Int(before - stream.avail_out)
            }
            if produced == Int.min {
                throw Failure("部件 \(name) 的压缩数据已损坏或被截断 / part \(name): corrupt or truncated data")
            }
            let count = produced < 0 ? -(produced + 1) : produced
            if out.count + count > cap { throw Failure("部件 \(name) 解压后超过 \(cap / 1_048_576) MiB，疑似 zip 炸弹 / part \(name) expands past \(cap / 1_048_576) MiB") }
            out.append(contentsOf: buffer[0..<count])
            if out.count > 1_048_576, Double(out.count) / compressed > maxRatio {
                throw Failure("部件 \(name) 的压缩比超过 \(Int(maxRatio)):1，疑似 zip 炸弹 / part \(name) expands more than \(Int(maxRatio)) times: a zip bomb")
            }
            if produced < 0 { return out }
            // No progress: input used up and no output — the stream is truncated.
            if count == 0, stream.avail_in == 0 {
                throw Failure("部件 \(name) 的压缩数据被截断 / part \(name): truncated data")
            }
        }
    }
}
