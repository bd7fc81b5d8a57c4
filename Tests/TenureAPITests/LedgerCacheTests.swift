import Foundation
import SQLiteStore
import Testing

/// Readers share one copy of every movement (`LedgerCache`): each change to the movements, whoever makes it, shows in
/// the next read, and a read as of an earlier instant sees only what had happened by then.
@Suite struct LedgerCacheTests {
    func mrrEnd(_ app: TestApp, asOf: String = "2026-06-01") async throws -> [Int] {
        let reply = try await app.send(.get, "/v1/metrics/revenue?from=2026-01&to=2026-05&as_of=\(asOf)")
        try #require(reply.status == .ok, "\(reply.text)")
        return (reply.json["data"] as? [[String: Any]] ?? []).map { $0["mrr_end"] as? Int ?? -1 }
    }

    @Test func everyChangeToTheMovementsShowsInTheNextRead() async throws {
        try await TestApp.run { app in
            let (account, deal) = try await LifecycleAPITests.prospect(app, "Cached")
            try await LifecycleAPITests.win(app, deal, at: "2026-01-05T00:00:00Z")
            try await app.send(
                .post,
                "/v1/payments",
                #"{"account_id": "\#(account)", "amount": 100, "currency": "usd", "paid_at": "2026-01-05T00:00:00Z", "reference": "w1"}"#
            )
            #expect(try await mrrEnd(app) == [0, 0, 0, 0, 0])
            let contract =
                #"{"account_id": "\#(account)", "start_date": "2026-02-10", "billing_interval": "month", "recurring_amount": 1000, "currency": "usd"}"#
            let first = try await app.send(.post, "/v1/contracts", contract).json["id"] as? String ?? ""
            #expect(try await mrrEnd(app) == [0, 1000, 1000, 1000, 1000], "a new contract")
            try await app.send(.post, "/v1/contracts", contract.replacingOccurrences(of: "2026-02-10", with: "2026-04-01"))
            #expect(try await mrrEnd(app) == [0, 1000, 1000, 2000, 2000], "another")
            #expect(try await mrrEnd(app, asOf: "2026-03-15") == [0, 1000, 1000], "as of an instant before the second starts")
            try await app.send(.post, "/v1/contracts/\(first)/cancel", #"{"effective_date": "2026-03-01"}"#)
            #expect(try await mrrEnd(app) == [0, 1000, 0, 1000, 1000], "a cancellation")

            // A change made outside the server (another process on the same file) shows too.
            let outside = try Connection(path: app.databasePath)
            try outside.execute("DELETE FROM mrr_movements WHERE at >= 1775001600000")  // 2026-04-01 in stored milliseconds
            #expect(try await mrrEnd(app) == [0, 1000, 0, 0, 0])
        }
    }
}
