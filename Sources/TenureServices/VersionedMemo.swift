import Foundation

/// Values derived from data read at a `DataVersion`, kept while reads bring that version: made once per state of the
/// data and per key (which names what else the value depends on, such as a setting), and shared by the reads of it.
/// The latest two versions are kept, so a reader still on the previous state does not throw away the current one.
final class VersionedMemo<Key: Hashable & Sendable, Value: Sendable>: @unchecked Sendable {
    // Safe: `kept` is only touched under `lock`.
    private let lock = NSLock()
    private var kept: [(version: DataVersion, values: [Key: Value])] = []

    /// The value kept for `key` at `version`, else `make()`'s, kept; readers that come while it is made wait for it.
    func value(at version: DataVersion, for key: Key, _ make: () -> Value) -> Value {
        lock.withLock {
            let index =
                kept.firstIndex { $0.version == version }
                ?? {
                    kept.append((version, [:]))
                    if kept.count > 2 { kept.removeFirst() }
                    return kept.count - 1
                }()
            if let value = kept[index].values[key] { return value }
            let value = make()
            kept[index].values[key] = value
            return value
        }
    }
}
