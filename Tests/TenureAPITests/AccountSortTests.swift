import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// `GET /v1/accounts?sort=&band=`: what the accounts page (UI.md) sorts and filters on, paged like every list.
@Suite(.temporaryFolder) struct AccountSortTests {
    /// Three customers of different MRR, renewal dates and usage (so different scores), and a prospect with none.
    static func company(_ app: TestApp) async throws {
        let customers = [
            ("Mid", "2026-03-17", "2027-03-16", 30000, 2), ("Big", "2026-01-09", "2027-01-08", 90000, 40),
            ("Small", "2026-05-02", "2027-05-01", 4000, 0),
        ]
        for (name, start, end, mrr, activeUsers) in customers {
            let (account, deal) = try await LifecycleAPITests.prospect(app, name)
            let contract = try await app.send(
                .post,
                "/v1/contracts",
                #"{"account_id": "\#(account)", "start_date": "\#(start)", "end_date": "\#(end)", "billing_interval": "month", "recurring_amount": \#(mrr), "currency": "usd"}"#
            )
            try #require(contract.status == .created, "\(contract.text)")
            try await LifecycleAPITests.win(app, deal, at: "\(start)T00:00:00Z")
            let paid = try await app.send(
                .post,
                "/v1/payments",
                #"{"account_id": "\#(account)", "amount": \#(mrr), "currency": "usd", "paid_at": "\#(start)T00:00:00Z", "reference": "wire \#(name)"}"#
            )
            try #require(paid.status == .created, "\(paid.text)")
            let days = (1...28).map { day in
                #"{"account_id": "\#(account)", "date": "2026-11-\#(String(format: "%02d", day))", "active_users": \#(activeUsers), "licensed_seats": 40}"#
            }
            try #require(try await app.send(.post, "/v1/usage", #"{"records": [\#(days.joined(separator: ","))]}"#).status == .ok)
        }
        try await app.createAccount("Prospect", domain: "prospect.example")
        try #require(try await app.send(.post, "/v1/health/evaluate").status == .ok)
    }

    /// Every page of `query` with `limit`, followed by its cursors.
    static func walk(_ app: TestApp, _ query: String, limit: Int) async throws -> [[String: Any]] {
        var rows: [[String: Any]] = []
        var cursor: String?
        repeat {
            let reply = try await app.send(.get, "/v1/accounts?\(query)&limit=\(limit)" + (cursor.map { "&cursor=\($0)" } ?? ""))
            try #require(reply.status == .ok, "\(reply.text)")
            rows += reply.data
            cursor = reply.json["next_cursor"] as? String
        } while cursor != nil
        return rows
    }

    @Test func sortsByMRRBothWaysAcrossPages() async throws {
        try await TestApp.run { app in
            try await Self.company(app)
            func names(_ sort: String) async throws -> [String] {
                try await Self.walk(app, "sort=\(sort)", limit: 1).compactMap { $0["name"] as? String }
            }
            #expect(try await names("-mrr") == ["Big", "Mid", "Small", "Prospect"])
            #expect(try await names("mrr") == ["Prospect", "Small", "Mid", "Big"])
            let customers = try await Self.walk(app, "sort=-mrr&lifecycle_stage=customer", limit: 2)
            #expect(customers.map { $0["mrr"] as? Int } == [90000, 30000, 4000])
        }
    }

    @Test func sortsByRenewalWithAccountsWithoutOneLast() async throws {
        try await TestApp.run { app in
            try await Self.company(app)
            for sort in ["renewal", "-renewal"] {
                let rows = try await Self.walk(app, "sort=\(sort)", limit: 3)
                let dates = rows.compactMap { $0["renewal_date"] as? String }
                #expect(dates.count == 3 && Set(dates).count == 3, "three customers with three renewal dates: \(rows)")
                #expect(dates == (sort == "renewal" ? dates.sorted() : dates.sorted().reversed()))
                #expect(rows.last?["name"] as? String == "Prospect")
            }
        }
    }

    @Test func sortsByHealthWithUnscoredBelowEveryScore() async throws {
        try await TestApp.run { app in
            try await Self.company(app)
            let rows = try await Self.walk(app, "sort=-health", limit: 2)
            let scores = rows.map { ($0["health"] as? [String: Any])?["score"] as? Int }
            #expect(scores.count == 4 && scores.last == .some(nil), "the prospect is unscored: \(scores)")
            let scored = scores.compactMap { $0 }
            #expect(scored.count == 3 && Set(scored).count == 3 && scored == scored.sorted(by: >), "\(scores)")
            let ascending = try await Self.walk(app, "sort=health", limit: 2).map { ($0["health"] as? [String: Any])?["score"] as? Int }
            #expect(ascending.first == .some(nil) && ascending.compactMap { $0 } == scored.reversed())
        }
    }

    @Test func filtersByBandAndRefusesUnknownSortsAndBands() async throws {
        try await TestApp.run { app in
            try await Self.company(app)
            let unscored = try await app.send(.get, "/v1/accounts?band=unscored")
            #expect(unscored.data.compactMap { $0["name"] as? String } == ["Prospect"])
            let bands = try await Self.walk(app, "sort=mrr", limit: 10).compactMap { ($0["health"] as? [String: Any])?["band"] as? String }
            for band in Set(bands) {
                let names = try await app.send(.get, "/v1/accounts?band=\(band)").data.compactMap {
                    ($0["health"] as? [String: Any])?["band"] as? String
                }
                #expect(names.count == bands.filter { $0 == band }.count && Set(names) == [band], "\(band): \(names)")
            }
            let all = try await Self.walk(app, "sort=mrr", limit: 10)
            let picked = [all[2], all[0]].compactMap { $0["id"] as? String }
            let named = try await app.send(.get, "/v1/accounts?ids=\(picked.joined(separator: ","))%2Cacc_unknown&sort=-mrr")
            #expect(named.data.compactMap { $0["id"] as? String } == picked, "the ids asked for, in the order asked (highest MRR first)")
            let tooMany = (0...100).map { "acc_\($0)" }.joined(separator: ",")
            for query in ["sort=name", "sort=--mrr", "sort=", "band=blue", "ids=", "ids=%2C", "ids=\(tooMany)"] {
                let refused = try await app.send(.get, "/v1/accounts?\(query)")
                #expect(refused.status == .badRequest, "\(query)")
                #expect(refused.headers[.contentType] == "application/problem+json")
            }
        }
    }
}
