import Foundation
import RenjuModel
import RenjuStore
import RenjuStoreCore
import RenjuPostgres

/// Keeping a county's store: a backup while the desk runs, a restore, a check, and a migration
/// that backs the store up first (`renju db backup|restore|check|migrate`).
extension Workspace {
    /// The SQLite store at `path` (an existing file; never created here).
    static func existingFileStore(_ path: String, mode: HistoryStore.OpenMode) throws -> HistoryStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw AppError(zh: "找不到数据库 \(path)", en: "no store at \(path)")
        }
        do { return try HistoryStore(path: path, mode: mode) } catch let e as StoreError { throw AppError(e.userMessage) }
    }

    /// A backup of the store: SQLite's online backup of the file (consistent while the desk
    /// writes), or `pg_dump --format=custom` of a server's database.
    public static func backupStore(_ path: String, to destination: String) throws {
        if isServerStore(path) {
            try runTool("pg_dump", ["--format=custom", "--no-owner", "--file", destination, path],
                        what: Message(zh: "pg_dump 备份失败", en: "pg_dump failed"))
            return
        }
        let store = try existingFileStore(path, mode: .maintain)
        do { try store.backup(to: destination) } catch let e as StoreError { throw AppError(e.userMessage) }
    }

    /// Puts a backup's contents in place of the store's (the backup checked first).
    public static func restoreStore(_ path: String, from source: String) throws {
        if isServerStore(path) {
            try runTool("pg_restore", ["--clean", "--if-exists", "--no-owner", "--dbname", path, source],
                        what: Message(zh: "pg_restore 恢复失败", en: "pg_restore failed"))
            return
        }
        guard FileManager.default.fileExists(atPath: source) else { throw AppError(zh: "找不到备份 \(source)", en: "no backup at \(source)") }
        let store = try HistoryStore(path: path, migrate: true)
        do { try store.restore(from: source) } catch let e as StoreError { throw AppError(e.userMessage) }
    }

    /// What is wrong with the store (empty: nothing).
    public static func checkStore(_ path: String) async throws -> [String] {
        if isServerStore(path) {
            // The server checks its own pages (pg_amcheck); here: that it opens at this version.
            _ = try await openStore(path)
            return []
        }
        let store = try existingFileStore(path, mode: .maintain)
        return try store.check()
    }

    /// Brings the store's schema up to date, a backup taken first when there is anything to do;
    /// the backup's path, or nil when the store was up to date.
    public static func migrateStore(_ path: String, now: Date = Date()) async throws -> String? {
        if isServerStore(path) {
            _ = try await openStore(path, migrate: true)
            return nil
        }
        let store = try existingFileStore(path, mode: .maintain)
        let pending = try store.pendingMigrations()
        guard !pending.isEmpty else { return nil }
        let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
        let copy = path + ".before-\(pending[0])-\(stamp).sqlite"
        do { try store.backup(to: copy) } catch let e as StoreError { throw AppError(e.userMessage) }
        do { try store.migrate() } catch let e as StoreError { throw AppError(e.userMessage) }
        return copy
    }

    /// Runs a PostgreSQL client tool; its own words on failure.
    static func runTool(_ name: String, _ arguments: [String], what: Message) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [name] + arguments
        let err = Pipe()
        p.standardError = err
        do { try p.run() } catch { throw AppError(zh: "找不到 \(name)（PostgreSQL 客户端）", en: "\(name) (the PostgreSQL client) is not installed", cause: error) }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let said = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw AppError(Message(zh: what.zh + "：" + said, en: what.en + ": " + said))
        }
    }
}
