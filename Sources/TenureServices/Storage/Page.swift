import Foundation
import TenureCore

/// A page of a list in insertion (or stated) order, and where the next page starts.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: PageCursor?
    /// Where each item stands, for a reader that stops inside the page (when the backend gives them).
    public var positions: [PageCursor]

    public init(items: [Item], next: PageCursor?, positions: [PageCursor] = []) {
        self.items = items
        self.next = next
        self.positions = positions
    }

    public func map<T>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try items.map(transform), next: next, positions: positions)
    }

    func asyncMap<T>(_ transform: (Item) async throws -> T) async rethrows -> Page<T> {
        Page<T>(items: try await items.asyncMap(transform), next: next, positions: positions)
    }

    /// Keeps the items that pass; the cursor still points after the page's last stored item, so no item is skipped.
    public func filtered(_ isIncluded: (Item) -> Bool) -> Page {
        Page(items: items.filter(isIncluded), next: next)
    }

    /// The page `request` asks for out of `ranked` (every item with its sort key and insertion sequence, in any order),
    /// ordered by key — highest first when `descending` — then insertion order: what a list sorted on a value computed on
    /// read (a score, an MRR) pages through, with cursors that hold both.
    static func ranked(_ ranked: [(item: Item, at: PageCursor)], descending: Bool, _ request: PageRequest) -> Page {
        let before: (PageCursor, PageCursor) -> Bool = { a, b in
            a.key == b.key ? a.seq < b.seq : (descending ? a.key > b.key : a.key < b.key)
        }
        var remaining = ranked.sorted { before($0.at, $1.at) }
        if let after = request.after { remaining.removeAll { !before(after, $0.at) } }
        let kept = remaining.prefix(request.limit)
        return Page(items: kept.map(\.item), next: remaining.count > request.limit ? kept.last?.at : nil, positions: kept.map(\.at))
    }
}

/// The position after the last item of a page: its sort key and its insertion sequence.
public struct PageCursor: Sendable, Equatable {
    public var key: Int64
    public var seq: Int64

    public init(key: Int64 = 0, seq: Int64) {
        self.key = key
        self.seq = seq
    }
}

/// Which page to read.
public struct PageRequest: Sendable {
    public var limit: Int
    public var after: PageCursor?

    public init(limit: Int = 50, after: PageCursor? = nil) {
        self.limit = limit
        self.after = after
    }
}
