import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

@Suite(.temporaryFolder) struct ActivityTests {
    @Test func createValidatesTypeDirectionTimeAndLinks() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Acme")
            let other = try await app.createAccount("Other")
            let contact = try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(other)", "name": "Dana"}"#)
            let before = try await app.snapshot()
            let invalid = try await app.send(
                .post,
                "/v1/activities",
                #"{"account_id": "\#(account)", "type": "fax", "direction": "sideways", "occurred_at": "2999-01-01T00:00:00Z"}"#
            )
            #expect(Set(invalid.errorFields) == ["type", "direction", "occurred_at"])
            let foreignContact = try await app.send(
                .post,
                "/v1/activities",
                #"{"account_id": "\#(account)", "type": "call", "contact_id": "\#(contact.json["id"] as? String ?? "")"}"#
            )
            #expect(foreignContact.errorFields == ["contact_id"])
            #expect(
                try await app.send(.post, "/v1/activities", #"{"account_id": "\#(account)", "type": "call", "opportunity_id": "opp_1"}"#).errorFields
                    == ["opportunity_id"]
            )
            #expect(try await app.snapshot() == before)
            let created = try await app.send(
                .post,
                "/v1/activities",
                #"{"account_id": "\#(account)", "type": "meeting", "occurred_at": "2026-03-01T09:30:00+02:00"}"#
            )
            #expect(created.status == .created)
            #expect(created.json["occurred_at"] as? String == "2026-03-01T07:30:00Z")
        }
    }

    @Test func batchOfTenThousandWithOneBadItemStoresNothing() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Acme")
            let good = #"{"account_id": "\#(account)", "type": "email", "occurred_at": "2026-01-01T00:00:00Z"}"#
            var items = Array(repeating: good, count: 10_000)
            items[7_345] = #"{"account_id": "\#(account)", "type": "carrier pigeon"}"#
            let before = try await app.snapshot()
            let refused = try await app.send(.post, "/v1/activities/batch", #"{"activities": [\#(items.joined(separator: ","))]}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorFields == ["activities[7345].type"])
            items[7_345] = #"{"account_id": "acc_missing", "type": "call"}"#
            let unknown = try await app.send(.post, "/v1/activities/batch", #"{"activities": [\#(items.joined(separator: ","))]}"#)
            #expect(unknown.errorFields == ["activities[7345].account_id"])
            #expect(try await app.snapshot() == before)

            items[7_345] = good
            let stored = try await app.send(.post, "/v1/activities/batch", #"{"activities": [\#(items.joined(separator: ","))]}"#)
            #expect(stored.status == .created)
            #expect(stored.data.count == 10_000)
            let tooMany = try await app.send(.post, "/v1/activities/batch", #"{"activities": [\#((items + [good]).joined(separator: ","))]}"#)
            #expect(tooMany.errorFields == ["activities"])
            #expect(try await app.send(.post, "/v1/activities/batch", #"{"activities": []}"#).errorFields == ["activities"])
            #expect(try await app.send(.post, "/v1/activities/batch", #"{"activities": [{"type": 3}]}"#).errorFields == ["activities[0].type"])
        }
    }

    @Test func listFiltersByAccountContactAndWindow() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Acme")
            for day in 1...4 {
                try await app.send(
                    .post,
                    "/v1/activities",
                    #"{"account_id": "\#(account)", "type": "note", "occurred_at": "2026-05-0\#(day)T00:00:00Z"}"#
                )
            }
            let window = try await app.send(.get, "/v1/activities?account_id=\(account)&from=2026-05-02&to=2026-05-04")
            #expect(window.data.compactMap { $0["occurred_at"] as? String } == ["2026-05-02T00:00:00Z", "2026-05-03T00:00:00Z"])
        }
    }
}
