import Foundation
import XCTest
import RenjuTestSupport

/// Peak memory follows the figures read, not the bytes of a file: measured on the built binary
/// (the peak resident size of a child process, through python's getrusage), against the bound the
/// README documents.
final class MemoryBoundTests: XCTestCase {
    /// Peak resident MiB of `renju ARGS`, run alone under a fresh python (its only child).
    func peakMiB(_ args: [String]) throws -> Double {
        let script = "import resource,subprocess,sys\nsubprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)\n"
            + "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024)"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script, renjuBinary.path] + args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return try XCTUnwrap(Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    func testAOneLineFileUnknownCodesAndMillionsOfBlankLinesStayWithinTheBound() throws {
        let dir = try temporaryDirectory()
        // 32 MiB on one line: 16 million cells once (8.4 GB for 255 MiB); now cut at Excel's width.
        let oneLine = dir.appendingPathComponent("one-line.csv")
        var text = "报告期：2025Q3\n"
        text += String(repeating: "1,", count: 16 * 1024 * 1024) + "\n"
        try text.write(to: oneLine, atomically: true, encoding: .utf8)
        let a = try peakMiB(["validate", "--format", "json", oneLine.path])
        XCTAssertLessThan(a, 3 * 32 + 120, "one-line file: \(a) MiB")

        // 200,000 rows of codes no divisions file knows, 4 figures each (800,000 figures).
        let wide = dir.appendingPathComponent("unknown-codes.csv")
        var rows = ["报告期：2025Q3", "区划代码,总户数,卫生厕所户数,保洁员,生活垃圾产生量"]
        rows.reserveCapacity(200_002)
        for n in 0..<200_000 { rows.append("64\(String(format: "%010d", n)),\(100 + n % 900),\(10 + n % 90),\(1 + n % 9),\(Double(n % 500) / 10)") }
        try (rows.joined(separator: "\n") + "\n").write(to: wide, atomically: true, encoding: .utf8)
        let b = try peakMiB(["validate", "--format", "json", wide.path])
        // README "Bad input": ≈ 200 bytes a figure for one large CSV held whole, plus the runtime.
        XCTAssertLessThan(b, 800_000 * 200 / 1_048_576 + 150, "unknown codes: \(b) MiB")

        // A form of three rows, then 32 million blank lines: room is taken for the rows a form may
        // hold by its lines, but not for 32 million of them.
        let blank = dir.appendingPathComponent("blank-lines.csv")
        var form = "区划代码,总户数,卫生厕所户数,保洁员\n640422100001,100,50,2\n640422100002,120,60,3\n640422100003,90,40,1\n"
        form += String(repeating: "\n", count: 32 * 1024 * 1024)
        try form.write(to: blank, atomically: true, encoding: .utf8)
        let c = try peakMiB(["validate", "--format", "json", blank.path])
        XCTAssertLessThan(c, 3 * 32 + 120, "blank lines: \(c) MiB")
    }
}
