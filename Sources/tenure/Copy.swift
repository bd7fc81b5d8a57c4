import ArgumentParser
import Foundation
import Logging
import TenurePostgres

/// `tenure copy --db FILE --database-url URL`: the move from SQLite to PostgreSQL.
struct Copy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy a SQLite database into a new, empty PostgreSQL database: the move to PostgreSQL.",
        discussion: """
            Reads --db in one snapshot and writes every row, ids included, to --database-url (migrated first) in one \
            transaction: the copy is whole or not there. Stop the server on the SQLite file first, or what it writes \
            afterwards stays behind.
            """
    )

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        guard let url = try database.postgres else {
            throw ValidationError("copy needs --database-url (or TENURE_DATABASE_URL): the PostgreSQL database to copy into")
        }
        let storage = try await PostgresStorage(url: url, poolSize: 1, migrate: true, logger: Logger(label: "tenure"))
        let started = ContinuousClock.now
        do {
            let copied = try await SQLiteToPostgres.copy(from: database.db, to: storage)
            await storage.close()
            for (table, rows) in copied where rows > 0 { print("\(table): \(rows) rows") }
            let seconds = (ContinuousClock.now - started).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1)))
            print("Copied \(copied.reduce(0) { $0 + $1.rows }) rows of \(database.db) into \(url.database) on \(url.host) in \(seconds).")
        } catch {
            await storage.close()
            throw error
        }
    }
}
