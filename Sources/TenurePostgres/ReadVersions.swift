import Logging
import PostgresNIO

/// The change counters behind the read caches, as a reader sees them: per source (`ledger`, `pipeline`, `contracts`,
/// `health`), the sum of its shards in the reader's snapshot. Writers bump the shard of their own connection (the
/// migration's triggers), so two nodes writing at once rarely touch the same counter row, and a cache kept under a
/// source's sum is valid for any reader that sees the same sum.
public enum ReadVersions {
    public static func current(on connection: PostgresConnection, logger: Logger) async throws -> [String: Int64] {
        var versions: [String: Int64] = [:]
        let rows = try await connection.query("SELECT source, sum(version)::bigint FROM read_versions GROUP BY source", logger: logger)
        for try await (source, version) in rows.decode((String, Int64).self) { versions[source] = version }
        return versions
    }
}
