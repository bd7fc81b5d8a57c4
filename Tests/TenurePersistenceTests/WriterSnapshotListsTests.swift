import Foundation
import Logging
import SQLiteStore
import TenureCore
import TenureDemo
import TenureServices
import TenureTestSupport
import Testing

@testable import TenurePersistence

/// The writer keeps its own copy of each subscription's snapshots (`WriterSnapshotLists`): in a write transaction, a
/// contract's snapshots must always be what a reader reads from the database, through inserts in any order, duplicates,
/// rollbacks of a nested change or of a whole write, and changes committed by another connection.
@Suite(.temporaryFolder) struct WriterSnapshotListsTests {
    struct Rollback: Error {}

    @Test func theWritersCopyIsAlwaysWhatTheDatabaseHolds() async throws {
        let path = TemporaryFolder.path("tenure.sqlite")
        let storage = try await SQLiteStorage(path: path, durability: .normal, migrate: true, logger: Logger(label: "test"))
        let contracts = ["ctr_a", "ctr_b", "ctr_c"]
        try await storage.write { tx in
            let now = Date(timeIntervalSince1970: 1_780_000_000)
            try await tx.accounts.insert(Account(id: "acc_lists", name: "Lists", createdAt: now, updatedAt: now))
            for id in contracts { try await tx.contracts.insert(Self.contract(id, at: now)) }
        }
        let outside = try Connection(path: path)
        var random = SplitMix64(seed: 11)
        var events = 0
        var made: [(stored: StoredSnapshot, readBack: SubscriptionSnapshot)] = []
        for step in 0..<300 {
            events += 1
            let snapshot = Self.snapshot(for: contracts.randomElement(using: &random)!, event: "evt_\(events)", &random)
            made.append(snapshot)
            switch Int.random(in: 0..<10, using: &random) {
            case 0:  // rolled back with the nested change that made it
                try await storage.write { tx in
                    try? await tx.nested {
                        try await tx.contracts.addSnapshot(snapshot.readBack, of: snapshot.stored.contractID, event: snapshot.stored.eventID)
                        _ = try await tx.contracts.snapshots(of: snapshot.stored.contractID)
                        throw Rollback()
                    }
                }
            case 1:  // rolled back with its whole write
                await #expect(throws: Rollback.self) {
                    try await storage.write { tx in
                        try await tx.contracts.addSnapshot(snapshot.readBack, of: snapshot.stored.contractID, event: snapshot.stored.eventID)
                        _ = try await tx.contracts.snapshots(of: snapshot.stored.contractID)
                        throw Rollback()
                    }
                }
            case 2:  // inserted by another connection (another process)
                try await outside.query(
                    "INSERT INTO subscription_snapshots (contract_id, event_id, effective_at, order_key, terms) VALUES (?, ?, ?, ?, ?)",
                    [
                        snapshot.stored.contractID, snapshot.stored.eventID, snapshot.stored.effectiveAt.unixMilliseconds, snapshot.stored.order,
                        String(decoding: snapshot.stored.terms, as: UTF8.self),
                    ]
                )
            case 3 where !made.isEmpty:  // a delivery again: the same event's snapshot is stored once
                let again = made.randomElement(using: &random)!
                try await storage.write { tx in
                    try await tx.contracts.addSnapshot(again.readBack, of: again.stored.contractID, event: again.stored.eventID)
                }
            default:
                try await storage.write { tx in
                    try await tx.contracts.addSnapshot(snapshot.readBack, of: snapshot.stored.contractID, event: snapshot.stored.eventID)
                }
            }
            let written = try await storage.write { tx in try await contracts.asyncMap { try await tx.contracts.snapshots(of: $0) } }
            let read = try await storage.read { tx in try await contracts.asyncMap { try await tx.contracts.snapshots(of: $0) } }
            #expect(written == read, "step \(step)")
            #expect(read.map(\.count).reduce(0, +) > 0 || step < 5)
        }
        let row = try await outside.first("SELECT count(*) AS snapshots, count(DISTINCT event_id) AS events FROM subscription_snapshots")
        #expect(row?.int("snapshots") == row?.int("events"), "each event's snapshot is stored once")
        await storage.close()
    }

    static func contract(_ id: String, at now: Date) -> Contract {
        Contract(
            id: id,
            accountID: "acc_lists",
            opportunityID: nil,
            source: .stripe,
            externalID: "sub_\(id)",
            startDate: now,
            endDate: nil,
            billingInterval: nil,
            recurringAmount: nil,
            currency: "usd",
            autoRenew: true,
            cancelEffective: nil,
            createdAt: now,
            updatedAt: now
        )
    }

    /// A snapshot at one of a few instants (so many share one and their order keys decide), with an order key that
    /// may hold non-ASCII text, composed or not (SQLite orders keys by their bytes; Swift finds "é" and "e\u{301}" equal).
    static func snapshot(
        for contractID: String,
        event: String,
        _ random: inout SplitMix64
    ) -> (
        stored: StoredSnapshot, readBack: SubscriptionSnapshot
    ) {
        let effectiveAt = Date(timeIntervalSince1970: 1_780_000_000 + 86_400 * Double(Int.random(in: 0..<4, using: &random)))
        let order = ["0", "1", "2", "1é", "1e\u{301}", "1z", "1É"].randomElement(using: &random)! + event
        let snapshot = SubscriptionSnapshot(
            effectiveAt: effectiveAt,
            order: order,
            status: "active",
            items: [
                StripeSubscriptionItem(
                    id: "si_\(event)",
                    price: StripePrice(
                        unitAmount: Rational(Int128(1_000 * Int.random(in: 1...9, using: &random))),
                        interval: "month",
                        intervalCount: 1
                    ),
                    quantity: 1,
                    discounts: []
                )
            ],
            discounts: [],
            cancelAtPeriodEnd: false,
            cancelAt: nil,
            currentPeriodEnd: nil,
            deleted: false
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let terms = Array((try? encoder.encode(snapshot)) ?? Data())
        return (StoredSnapshot(contractID: contractID, eventID: event, effectiveAt: effectiveAt, order: order, terms: terms), snapshot)
    }
}
