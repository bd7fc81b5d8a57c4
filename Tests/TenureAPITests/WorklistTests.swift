import Foundation
import HTTPTypes
import TenureCore
import TenureTestSupport
import Testing

/// What the worklist page (UI.md, `/work`) reads for one person: the owners to choose from, their open tasks by due
/// date, their renewals and their cases still owed a first response.
@Suite(.temporaryFolder) struct WorklistTests {
    /// Ann owns two accounts and Bob one; each gets tasks, a case, and Ann's first account a contract ending soon.
    static func book(_ app: TestApp) async throws -> [String: String] {
        var ids: [String: String] = [:]
        for (name, owner) in [("Anvil", "ann"), ("Apex", "ann"), ("Birch", "bob")] {
            let account = try await app.send(.post, "/v1/accounts", #"{"name": "\#(name)", "owner": "\#(owner)"}"#)
            try #require(account.status == .created)
            ids[name] = account.json["id"] as? String
        }
        func post(_ path: String, _ body: String) async throws -> String {
            let reply = try await app.send(.post, path, body)
            try #require(reply.status == .created || reply.status == .ok, "\(path): \(reply.text)")
            return reply.json["id"] as? String ?? ""
        }
        for (title, account, due) in [
            ("late call", "Apex", "2026-02-03"), ("later", "Anvil", "2099-05-01"), ("soon", "Anvil", "2026-01-10"), ("bob's", "Birch", "2026-01-01"),
        ] {
            ids[title] = try await post("/v1/tasks", #"{"account_id": "\#(ids[account] ?? "")", "title": "\#(title)", "due_at": "\#(due)"}"#)
        }
        for (subject, account) in [("owed", "Anvil"), ("answered", "Apex"), ("bob's case", "Birch")] {
            ids[subject] = try await post("/v1/cases", #"{"account_id": "\#(ids[account] ?? "")", "subject": "\#(subject)", "priority": "high"}"#)
        }
        try await post("/v1/cases/\(ids["answered"] ?? "")/respond", "{}")
        let today = Date()
        for (account, days) in [("Anvil", 40), ("Birch", 20)] {
            let end = Timestamp.formatDate(today.addingTimeInterval(Double(days) * 86_400))
            let start = Timestamp.formatDate(today.addingTimeInterval(-200 * 86_400))
            try await post(
                "/v1/contracts",
                #"{"account_id": "\#(ids[account] ?? "")", "start_date": "\#(start)", "end_date": "\#(end)", "billing_interval": "month", "recurring_amount": 5000, "currency": "usd"}"#
            )
        }
        return ids
    }

    @Test func theOwnersAreListedWithTheirAccounts_andAKeyKeptToAnOwnerSeesOnlyItself() async throws {
        try await TestApp.run { app in
            _ = try await Self.book(app)
            let owners = try await app.send(.get, "/v1/owners")
            #expect(owners.data.map { [$0["owner"] as? String ?? "", "\($0["accounts"] ?? "")"] } == [["ann", "2"], ["bob", "1"]])
            let bob = try await AccessControlTests.key(app, #"{"name": "bob's pages", "scope": "read", "owner": "bob"}"#)
            #expect(try await app.send(.get, "/v1/owners", key: bob).data.map { $0["owner"] as? String } == ["bob"])
        }
    }

    @Test func openTasksByDueDateAcrossPages() async throws {
        try await TestApp.run { app in
            let ids = try await Self.book(app)
            try await app.send(.patch, "/v1/tasks/\(ids["late call"] ?? "")", #"{"status": "done"}"#)
            var titles: [String] = []
            var cursor: String?
            repeat {
                let reply = try await app.send(.get, "/v1/tasks?owner=ann&status=open&sort=due_at&limit=1" + (cursor.map { "&cursor=\($0)" } ?? ""))
                try #require(reply.status == .ok, "\(reply.text)")
                titles += reply.data.compactMap { $0["title"] as? String }
                cursor = reply.json["next_cursor"] as? String
            } while cursor != nil
            #expect(titles == ["soon", "later"])
            let all = try await app.send(.get, "/v1/tasks?sort=due_at").data.compactMap { $0["title"] as? String }
            #expect(all == ["bob's", "soon", "late call", "later"])
            #expect(try await app.send(.get, "/v1/tasks?sort=-due_at").status == .badRequest)
        }
    }

    @Test func casesOwedAResponse_andRenewalsOfOneOwner() async throws {
        try await TestApp.run { app in
            _ = try await Self.book(app)
            let owed = try await app.send(.get, "/v1/cases?owner=ann&status=open&awaiting_response=true")
            #expect(owed.data.map { $0["subject"] as? String } == ["owed"])
            let answered = try await app.send(.get, "/v1/cases?owner=ann&awaiting_response=false")
            #expect(answered.data.map { $0["subject"] as? String } == ["answered"])
            #expect(try await app.send(.get, "/v1/cases?owner=nobody").data.isEmpty)
            #expect(try await app.send(.get, "/v1/cases?awaiting_response=maybe").status == .badRequest)
            let renewals = try await app.send(.get, "/v1/renewals?owner=ann&within_days=90")
            #expect(renewals.data.map { $0["account_name"] as? String } == ["Anvil"])
            #expect(try await app.send(.get, "/v1/renewals?owner=%20ANN&within_days=90").data.count == 1, "owners compared as slices do")
            let both = try await app.send(.get, "/v1/renewals?within_days=90").data.map { $0["account_name"] as? String }
            #expect(both == ["Birch", "Anvil"], "soonest first")
            #expect(try await app.send(.get, "/v1/renewals?within_days=90&limit=1").data.map { $0["account_name"] as? String } == ["Birch"])
            #expect(try await app.send(.get, "/v1/renewals?limit=0").errorFields == ["limit"])
            let bob = try await AccessControlTests.key(app, #"{"name": "bob's pages", "scope": "read", "owner": "bob"}"#)
            let bobs = try await app.send(.get, "/v1/renewals?within_days=90&limit=1", key: bob)
            #expect(bobs.data.map { $0["account_name"] as? String } == ["Birch"], "\(bobs.text)")
            #expect(try await app.send(.get, "/v1/renewals?owner=ann&within_days=90", key: bob).data.isEmpty)
            // Ann's key: Bob's sooner renewal is left out before the limit, not after it.
            let ann = try await AccessControlTests.key(app, #"{"name": "ann's pages", "scope": "read", "owner": "ann"}"#)
            let anns = try await app.send(.get, "/v1/renewals?within_days=90&limit=1", key: ann)
            #expect(anns.data.map { $0["account_name"] as? String } == ["Anvil"], "\(anns.text)")
        }
    }
}
