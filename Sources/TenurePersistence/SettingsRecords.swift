import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLSettingsRecords: SettingsRecords {
    let db: any SQLConnection

    func value(_ name: String) async throws -> [UInt8]? {
        try await db.first("SELECT value FROM settings WHERE name = ?", [name])?.blob("value")
    }

    func setValue(_ name: String, _ value: [UInt8]) async throws {
        try await db.query(
            "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [name, String(decoding: value, as: UTF8.self)]
        )
    }
}
