import Foundation
import SQLiteStore
import TenureCore
import TenureServices

struct SQLiteSettingsRecords: SettingsRecords {
    let db: Connection

    func value(_ name: String) throws -> [UInt8]? {
        try db.first("SELECT value FROM settings WHERE name = ?", [name])?.blob("value")
    }

    func setValue(_ name: String, _ value: [UInt8]) throws {
        try db.query(
            "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            [name, String(decoding: value, as: UTF8.self)]
        )
    }
}
