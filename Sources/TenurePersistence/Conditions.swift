import Foundation
import Logging
import SQLiteStore
import TenureCore
import TenureMigrations
import TenureServices

/// Builds `WHERE` clauses from optional filters.
struct Conditions {
    private(set) var clauses: [String] = []
    private(set) var parameters: [any SQLiteBindable] = []

    mutating func add(_ clause: String, _ values: any SQLiteBindable...) {
        clauses.append(clause)
        parameters.append(contentsOf: values)
    }

    mutating func add(_ clause: String, values: [any SQLiteBindable]) {
        clauses.append(clause)
        parameters.append(contentsOf: values)
    }

    mutating func add(_ clause: String, ifPresent value: (any SQLiteBindable)?) {
        if let value { add(clause, value) }
    }

    var sql: String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }
}
