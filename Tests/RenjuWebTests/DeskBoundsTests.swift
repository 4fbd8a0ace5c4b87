import XCTest
import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import RenjuTestSupport
import RenjuModel
import RenjuStore
import RenjuStoreCore
import RenjuApp
@testable import RenjuWeb

/// Work bounded per user, files kept private, and the small things a careful tester found: the
/// desk keeps answering while uploads are checked, refuses what it cannot queue, cuts slow
/// clients off, leaves nothing of a refused upload, and answers every path with its headers.
final class DeskBoundsTests: XCTestCase {
    /// A large file being read does not hold up other users: a sign-in answers meanwhile, and an
    /// upload that finds the queue full is told when to come back (503 + Retry-After).
    func testUploadsAreCheckedThroughABoundedQueueOffTheServersThreads() async throws {
        let base = try await DeskFixture.make(self)
        var options = base.server.options
        options.checkSlots = 1
        options.checkQueue = 0
        let f = DeskFixture(dir: base.dir, storePath: base.storePath, store: base.store, desk: base.desk,
                            server: try await DeskServer(desk: base.desk, options: options))
        // About 3.5 MB of rows: reading it takes a while.
        var csv = "报告期：2025年第三季度\n区划代码,单位名称,总户数,卫生厕所户数,保洁员\n"
        for i in 0..<90_000 { csv += "6404222012\(String(format: "%02d", i % 100)),村\(i),\(300 + i % 50),\(200 + i % 40),\(i % 9)\n" }
        let big = f.dir.appendingPathComponent("big.csv")
        try csv.write(to: big, atomically: true, encoding: .utf8)
        try await f.application().test(.router) { client in
            let clerk = try await client.login("clerk"), clerk2 = try await client.login("clerk2")
            let first = Task { try await client.upload(big, as: clerk).0 }
            // Wait until the big file is in its slot.
            for _ in 0..<400 {
                if await f.server.checks.load.running > 0 { break }
                try await Task.sleep(nanoseconds: 5_000_000)
            }
            let running = await f.server.checks.load.running
            XCTAssertEqual(running, 1)
            let (busy, headers) = try await client.execute(uri: "/api/submissions", method: .post,
                                                            headers: clerk2.headers(csrf: true, [filenameHeader: "x.xlsx"]),
                                                            body: ByteBuffer(bytes: try Data(contentsOf: DeskFixture.xinglong))) { ($0.status, $0.headers) }
            XCTAssertEqual(busy, .serviceUnavailable)
            XCTAssertNotNil(headers[.retryAfter].flatMap { Int($0) })
            let started = Date()
            let signIn = try await client.execute(uri: "/api/login", method: .post,
                                                  body: jsonBody(["login": "reviewer", "password": DeskFixture.password])) { $0.status }
            XCTAssertEqual(signIn, .ok)
            let stillRunning = await f.server.checks.load.running
            XCTAssertEqual(stillRunning, 1, "the sign-in answered while the upload was being read (\(Date().timeIntervalSince(started)) s)")
            let status = try await first.value
            XCTAssertNotEqual(status, .created, "the big file is not the township's return")
        }
    }

    /// The line behind the check slots holds uploads up to its count and up to its bytes: a
    /// prefecture's 300 small returns all wait their turn, a flood of large files is refused at
    /// once (503), and what waited runs in its turn.
    func testTheLineHoldsUploadsUpToItsCountAndItsBytes() async throws {
        let queue = WorkQueue(slots: 1, maxWaiting: 3, maxWaitingBytes: 100)
        let gate = Gate()
        let first = Task { try await queue.run(bytes: 10) { await gate.wait(); return 1 } }
        while await queue.load.running == 0 { try await Task.sleep(nanoseconds: 1_000_000) }
        let second = Task { try await queue.run(bytes: 60) { 2 } }
        while await queue.load.waiting < 1 { try await Task.sleep(nanoseconds: 1_000_000) }
        // 60 bytes wait already: another 60 would pass the 100 the line may hold.
        do {
            _ = try await queue.run(bytes: 60) { 3 }
            XCTFail("a file past the line's bytes waits instead of being refused")
        } catch let full as WorkQueue.Full {
            XCTAssertGreaterThan(full.retryAfter, 0)
        }
        let third = Task { try await queue.run(bytes: 40) { 4 } }
        let fourth = Task { try await queue.run(bytes: 0) { 5 } }
        while await queue.load.waiting < 3 { try await Task.sleep(nanoseconds: 1_000_000) }
        // Three wait: a fourth is refused by the count, whatever its size.
        do {
            _ = try await queue.run(bytes: 0) { 6 }
            XCTFail("a fourth upload waits although the line holds three")
        } catch is WorkQueue.Full {}
        await gate.open()
        let done = [try await first.value, try await second.value, try await third.value, try await fourth.value]
        XCTAssertEqual(done, [1, 2, 4, 5])
        let after = await queue.load
        XCTAssertEqual(after.running, 0); XCTAssertEqual(after.waiting, 0)
        // The bytes were given back as uploads left the line: with the slot taken again, 100 wait.
        let gate2 = Gate()
        let holder = Task { try await queue.run(bytes: 0) { await gate2.wait(); return 8 } }
        while await queue.load.running == 0 { try await Task.sleep(nanoseconds: 1_000_000) }
        let hundred = Task { try await queue.run(bytes: 100) { 7 } }
        while await queue.load.waiting < 1 { try await Task.sleep(nanoseconds: 1_000_000) }
        await gate2.open()
        let last = [try await holder.value, try await hundred.value]
        XCTAssertEqual(last, [8, 7])
    }

    /// A client sending its body a byte at a time is cut off.
    func testASlowBodyIsCutOff() async throws {
        let stream = AsyncStream<ByteBuffer> { c in
            Task {
                for _ in 0..<100 { c.yield(ByteBuffer(string: "x")); try? await Task.sleep(nanoseconds: 100_000_000) }
                c.finish()
            }
        }
        let started = Date()
        do {
            _ = try await DeskServer.collect(RequestBody(asyncSequence: stream), upTo: 1_000_000, seconds: 0.5, limit: 1_000_000)
            XCTFail("a 10-second body was waited for")
        } catch is DeskServer.SlowBody {
            XCTAssertLessThan(Date().timeIntervalSince(started), 3)
        }
    }

    /// Scratch files are private to the desk's user; a refused upload leaves none; a folder left
    /// by a killed desk is removed when a desk starts.
    func testScratchFilesArePrivateAndNothingOfARefusalStays() async throws {
        let stale = FileManager.default.temporaryDirectory.appendingPathComponent("renju-desk-999999-left-by-a-killed-desk")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: stale.appendingPathComponent("a.xlsx"))
        let f = try await DeskFixture.make(self)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stale.path), "a dead desk's scratch folder is removed at start-up")
        let folder = f.desk.scratchFolder
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o777, 0o700)
        try await f.application().test(.router) { client in
            let clerk = try await client.login("clerk")
            let (ok, _) = try await client.upload(DeskFixture.hongyao, as: clerk)
            XCTAssertEqual(ok, .created)
            let (refused, _) = try await client.upload(DeskFixture.xinglong, as: clerk)
            XCTAssertEqual(refused, .forbidden)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertEqual(files.count, 1, "only the stored version's file: \(files)")
        for name in files {
            let m = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.posixPermissions] as? Int)
            XCTAssertEqual(m & 0o777, 0o600, name)
        }
    }

    /// Every answer carries the desk's headers, 404s included; HEAD is answered as GET without a
    /// body; a file name's bidirectional controls are not shown.
    func testUnknownPathsHeadRequestsAndShownNames() async throws {
        let f = try await DeskFixture.make(self)
        try await f.application().test(.router) { client in
            try await client.execute(uri: "/no/such/page", method: .get) { r in
                XCTAssertEqual(r.status, .notFound)
                XCTAssertNotNil(r.headers[HTTPField.Name("Content-Security-Policy")!])
                XCTAssertEqual(r.headers[HTTPField.Name("X-Content-Type-Options")!], "nosniff")
            }
            try await client.execute(uri: "/login", method: .head) { r in
                XCTAssertEqual(r.status, .ok)
                XCTAssertEqual(r.body.readableBytes, 0)
                XCTAssertNotNil(r.headers[HTTPField.Name("Content-Security-Policy")!])
            }
            let clerk = try await client.login("clerk")
            let (s, _) = try await client.upload(DeskFixture.hongyao, as: clerk, name: "红耀乡\u{202E}xslx.exe\u{2066}\u{2069}.xlsx")
            XCTAssertEqual(s, .created)
        }
        let value7 = try await f.store.submissions(period: nil).last?.filename
        XCTAssertEqual(value7, "红耀乡xslx.exe.xlsx")
    }
}

/// Work that waits until the test lets it go.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }
    func open() {
        isOpen = true
        for w in waiting { w.resume() }
        waiting = []
    }
}
