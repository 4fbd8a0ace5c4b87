import Foundation

/// The top-level entries of an OLE2 compound file (Microsoft's "Compound File Binary" format:
/// .xls, .doc, .ppt, WPS .et, a password-protected .xlsx): what the file *is* is the names of the
/// streams and storages directly under its root — `Workbook` for Excel 97–2003, `Book` for Excel
/// 5.0/95, `WordDocument` for Word, `EncryptionInfo` + `EncryptedPackage` for an encrypted OOXML
/// package. A byte search for those names is wrong: an .xls with an embedded Word object holds a
/// `WordDocument` stream inside an `MBD…` storage, below the root.
///
/// Only the header, the FAT sectors the header lists (DIFAT chain included) and the directory
/// chain are read, every index bounds-checked and every chain bounded by the file's sector count,
/// so a damaged or hostile file gives nil, never a crash or a loop.
struct CompoundFile {
    /// Names of the entries directly under the root storage, in the directory's order.
    let rootEntries: [String]

    static let magic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    private static let endOfChain: UInt32 = 0xFFFF_FFFE
    private static let noStream: UInt32 = 0xFFFF_FFFF
    /// More directory entries than any real file has (a workbook with many embedded objects has hundreds).
    static let maxEntries = 1 << 20

    func contains(_ name: String) -> Bool {
        rootEntries.contains { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    init?(_ data: Data) {
        guard let entries = data.withUnsafeBytes({ Self.rootEntries(of: $0.bindMemory(to: UInt8.self)) }) else { return nil }
        rootEntries = entries
    }

    private static func u16(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> Int? {
        guard at >= 0, at + 2 <= b.count else { return nil }
        return Int(b[at]) | Int(b[at + 1]) << 8
    }

    private static func u32(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32? {
        guard at >= 0, at + 4 <= b.count else { return nil }
        return UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    private static func rootEntries(of b: UnsafeBufferPointer<UInt8>) -> [String]? {
        guard b.count >= 512, Array(b.prefix(8)) == magic else { return nil }
        guard let shift = u16(b, 0x1E), shift == 9 || shift == 12 else { return nil }
        let sectorSize = 1 << shift
        // Sector n starts at (n + 1) × sectorSize: the header occupies sector −1.
        let sectors = max(0, (b.count + sectorSize - 1) / sectorSize - 1)
        func offset(_ sector: UInt32) -> Int? {
            let s = Int(sector)
            guard s < sectors else { return nil }
            return (s + 1) * sectorSize
        }
        // The FAT's own sectors: 109 in the header, the rest in the DIFAT chain.
        guard let fatCount = u32(b, 0x2C), let firstDir = u32(b, 0x30),
              var difat = u32(b, 0x44), let difatCount = u32(b, 0x48) else { return nil }
        var fatSectors: [UInt32] = []
        for i in 0..<109 {
            guard let s = u32(b, 0x4C + 4 * i) else { return nil }
            if s < UInt32(sectors) { fatSectors.append(s) }
        }
        var hops = 0
        while Int(difatCount) > hops, difat < UInt32(sectors), hops <= sectors, fatSectors.count < Int(fatCount) {
            guard let base = offset(difat) else { break }
            let per = sectorSize / 4 - 1
            for i in 0..<per {
                guard let s = u32(b, base + 4 * i) else { return nil }
                if s < UInt32(sectors) { fatSectors.append(s) }
            }
            guard let next = u32(b, base + 4 * per) else { return nil }
            difat = next; hops += 1
        }
        func next(_ sector: UInt32) -> UInt32? {
            let perSector = sectorSize / 4
            let k = Int(sector) / perSector
            guard k < fatSectors.count, let base = offset(fatSectors[k]) else { return nil }
            return u32(b, base + 4 * (Int(sector) % perSector))
        }
        // The directory: 128-byte entries along its chain.
        var dirSectors: [Int] = []
        var s = firstDir
        var visited = Set<UInt32>()
        while s != endOfChain {
            guard let o = offset(s), visited.insert(s).inserted, dirSectors.count * sectorSize / 128 < maxEntries else { return nil }
            dirSectors.append(o)
            guard let n = next(s) else { return nil }
            s = n
        }
        let perSector = sectorSize / 128
        let count = dirSectors.count * perSector
        guard count > 0 else { return nil }
        func entryOffset(_ i: UInt32) -> Int? {
            let i = Int(i)
            guard i < count else { return nil }
            let o = dirSectors[i / perSector] + 128 * (i % perSector)
            return o + 128 <= b.count ? o : nil
        }
        func name(_ o: Int) -> String {
            let length = min(64, u16(b, o + 0x40) ?? 0)
            var units: [UInt16] = []
            var k = 0
            while k + 1 < length { let u = UInt16(b[o + k]) | UInt16(b[o + k + 1]) << 8; if u == 0 { break }; units.append(u); k += 2 }
            return String(decoding: units, as: UTF16.self)
        }
        // Entry 0 is the root storage (type 5); its children are a tree through left/right siblings.
        guard let root = entryOffset(0), b[root + 0x42] == 5, let child = u32(b, root + 0x4C) else { return nil }
        var names: [String] = []
        var stack: [UInt32] = child == noStream ? [] : [child]
        var seen = Set<UInt32>()
        while let i = stack.popLast() {
            guard let o = entryOffset(i), seen.insert(i).inserted else { return nil }
            names.append(name(o))
            for side in [0x48, 0x44] {
                guard let sibling = u32(b, o + side) else { return nil }
                if sibling != noStream { stack.append(sibling) }
            }
        }
        return names
    }
}
