import ArgumentParser
import Foundation
import SQLiteStore

/// `tenure backup --db SRC DEST`: an online, consistent copy.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Copy the database consistently while the server keeps running.")

    @OptionGroup var database: DatabaseOptions

    @Argument(help: "Destination file (must not exist).")
    var destination: String

    func run() throws {
        guard try database.postgres == nil else {
            throw ValidationError("backup copies a SQLite file; on PostgreSQL use pg_dump (README, \"Run on PostgreSQL\")")
        }
        guard !FileManager.default.fileExists(atPath: destination) else { throw ValidationError("\(destination) already exists") }
        try Database.backup(from: database.db, to: destination)
        print("Backed up \(database.db) to \(destination).")
    }
}
