extension Database {
    /// Writes a consistent copy of the database at `source` to `destination` (which must not exist) while other
    /// processes keep writing: `VACUUM INTO` reads one snapshot of the WAL database.
    public static func backup(from source: String, to destination: String) throws {
        let connection = try Connection(path: source)
        try connection.query("VACUUM INTO ?", [destination])
    }
}
