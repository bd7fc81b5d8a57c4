import Foundation
import Logging
import SQLiteStore
import TenureCore
import TenureMigrations
import TenureServices

/// Reads one page ordered by the time column `key` (milliseconds), then insertion order: the cursor holds both.
func page<T>(
    _ db: any SQLConnection,
    select: String,
    conditions: Conditions,
    orderedBy key: String,
    _ request: PageRequest,
    decode: (Row) throws -> T
) async throws -> Page<T> {
    var conditions = conditions
    if let after = request.after { conditions.add("(\(key) > ? OR (\(key) = ? AND seq > ?))", after.key, after.key, after.seq) }
    let rows = try await db.query("\(select) \(conditions.sql) ORDER BY \(key), seq LIMIT ?", conditions.parameters + [request.limit + 1])
    let kept = rows.prefix(request.limit)
    let positions = kept.map { PageCursor(key: Int64($0.int(key) ?? 0), seq: Int64($0.int("seq") ?? 0)) }
    return Page(items: try kept.map(decode), next: rows.count > request.limit ? positions.last : nil, positions: positions)
}

/// Reads one page in insertion order: one row more than the limit tells whether a next page exists.
func page<T>(
    _ db: any SQLConnection,
    select: String,
    conditions: Conditions,
    _ request: PageRequest,
    decode: (Row) throws -> T
) async throws -> Page<T> {
    var conditions = conditions
    if let after = request.after { conditions.add("seq > ?", after.seq) }
    let rows = try await db.query("\(select) \(conditions.sql) ORDER BY seq LIMIT ?", conditions.parameters + [request.limit + 1])
    let kept = rows.prefix(request.limit)
    let positions = kept.map { PageCursor(seq: Int64($0.int("seq") ?? 0)) }
    return Page(items: try kept.map(decode), next: rows.count > request.limit ? positions.last : nil, positions: positions)
}
