import Foundation
import Logging
import SQLiteStore
import TenureCore
import TenureMigrations
import TenureServices

/// Rows that come ordered by a key (an account, a contract), gathered into one array per key: one array is built at a
/// time and stored once it is complete, rather than appending each row to its key's array in the dictionary.
struct OrderedGroups<Element> {
    private var groups: [String: [Element]] = [:]
    private var key: String?
    private var elements: [Element] = []

    mutating func append(_ element: Element, of key: String) {
        if key != self.key {
            if let current = self.key { groups[current] = elements }
            self.key = key
            elements = []
        }
        elements.append(element)
    }

    /// Every key's array, the last one's included.
    mutating func finish() -> [String: [Element]] {
        if let key { groups[key] = elements }
        key = nil
        elements = []
        return groups
    }
}
