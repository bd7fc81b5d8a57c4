import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

@Suite(.temporaryFolder) struct AccountTests {
    @Test func createNormalizesTheDomainAndDerivesAProspect() async throws {
        try await TestApp.run { app in
            let reply = try await app.send(
                .post,
                "/v1/accounts",
                #"{"name": " Acme Corp ", "domain": "https://WWW.Acme.com/pricing", "segment": "enterprise", "employee_count": 1200, "unknown_field": 1}"#
            )
            #expect(reply.status == .created)
            #expect(reply.json["name"] as? String == "Acme Corp")
            #expect(reply.json["domain"] as? String == "acme.com")
            #expect(reply.json["segment"] as? String == "enterprise")
            #expect(reply.json["lifecycle_stage"] as? String == "prospect")
            #expect(reply.json["mrr"] as? Int == 0)
            #expect(reply.json.keys.contains("customer_since") && reply.json["customer_since"] is NSNull)
        }
    }

    @Test func listFiltersBySegmentOwnerQueryAndExternalId() async throws {
        try await TestApp.run { app in
            try await app.send(.post, "/v1/accounts", #"{"name": "Acme", "domain": "acme.com", "segment": "smb", "owner": "dana"}"#)
            try await app.send(
                .post,
                "/v1/accounts",
                #"{"name": "Globex", "domain": "globex.io", "segment": "enterprise", "owner": "sam", "external_id": "crm-2"}"#
            )
            try await app.send(.post, "/v1/accounts", #"{"name": "Initech 100%", "segment": "enterprise", "owner": "dana"}"#)
            func names(_ query: String) async throws -> [String] {
                try await app.send(.get, "/v1/accounts?\(query)").data.compactMap { $0["name"] as? String }
            }
            #expect(try await names("segment=enterprise") == ["Globex", "Initech 100%"])
            #expect(try await names("owner=dana") == ["Acme", "Initech 100%"])
            #expect(try await names("q=GLOB") == ["Globex"])
            #expect(try await names("q=acme.com") == ["Acme"])
            #expect(try await names("q=100%25") == ["Initech 100%"])
            #expect(try await names("q=%25") == ["Initech 100%"], "LIKE wildcards in q are literal")
            #expect(try await names("external_id=crm-2") == ["Globex"])
            #expect(try await names("lifecycle_stage=prospect").count == 3)
            #expect(try await names("lifecycle_stage=customer").isEmpty)
        }
    }

    @Test func patchChangesOnlyGivenFieldsAndNullClears() async throws {
        try await TestApp.run { app in
            let id = try await app.createAccount("Acme", domain: "acme.com")
            try await app.send(.patch, "/v1/accounts/\(id)", #"{"industry": "Manufacturing", "owner": "dana"}"#)
            let reply = try await app.send(.patch, "/v1/accounts/\(id)", #"{"domain": null, "owner": "sam"}"#)
            #expect(reply.status == .ok)
            #expect(reply.json["domain"] is NSNull)
            #expect(reply.json["industry"] as? String == "Manufacturing")
            #expect(reply.json["owner"] as? String == "sam")
            #expect(reply.json["name"] as? String == "Acme")
            let refused = try await app.send(.patch, "/v1/accounts/\(id)", #"{"name": null}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.errorFields == ["name"])
        }
    }

    @Test func patchToADomainInUseIs409() async throws {
        try await TestApp.run { app in
            let acme = try await app.createAccount("Acme", domain: "acme.com")
            let other = try await app.createAccount("Other", domain: "other.com")
            let reply = try await app.send(.patch, "/v1/accounts/\(other)", #"{"domain": "www.acme.com"}"#)
            #expect(reply.status == .conflict)
            #expect(reply.json["existing_id"] as? String == acme)
            #expect(try await app.send(.patch, "/v1/accounts/\(acme)", #"{"domain": "ACME.com"}"#).status == .ok, "its own domain is no conflict")
        }
    }

    @Test func mergeMovesContactsAndActivitiesAndLeavesATombstone() async throws {
        try await TestApp.run { app in
            let target = try await app.createAccount("Acme", domain: "acme.com")
            let source = try await app.createAccount("Acme Inc (dup)", domain: "acme-inc.com", externalID: "crm-9")
            let shared = try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(source)", "name": "Dana", "email": "dana@acme.com"}"#)
            try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(target)", "name": "Dana R", "email": "DANA@acme.com"}"#)
            try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(source)", "name": "Lee", "email": "lee@acme.com"}"#)
            let sharedID = try #require(shared.json["id"] as? String)
            try await app.send(.post, "/v1/activities", #"{"account_id": "\#(source)", "type": "call", "contact_id": "\#(sharedID)"}"#)

            let merged = try await app.send(.post, "/v1/accounts/\(target)/merge", #"{"source_id": "\#(source)"}"#)
            #expect(merged.status == .ok)
            #expect(merged.json["external_id"] as? String == "crm-9", "fields the target lacks come from the source")
            #expect(merged.json["domain"] as? String == "acme.com")
            let tombstone = try await app.send(.get, "/v1/accounts/\(source)")
            #expect(tombstone.json["merged_into"] as? String == target)
            let contacts = try await app.send(.get, "/v1/contacts?account_id=\(target)").data
            #expect(contacts.compactMap { $0["email"] as? String }.sorted() == ["dana@acme.com", "lee@acme.com"])
            let activities = try await app.send(.get, "/v1/activities?account_id=\(target)").data
            #expect(activities.count == 1)
            #expect(activities.first?["contact_id"] as? String != sharedID, "the duplicate contact's activity follows the kept contact")
            #expect(try await app.send(.get, "/v1/accounts").data.count == 1, "tombstones are not listed")
            #expect(try await app.send(.post, "/v1/accounts/\(target)/merge", #"{"source_id": "\#(source)"}"#).status == .conflict)
            #expect(try await app.send(.post, "/v1/accounts/\(target)/merge", #"{"source_id": "\#(target)"}"#).status == .unprocessableContent)
            #expect(try await app.send(.post, "/v1/accounts/\(target)/merge", #"{}"#).errorFields == ["source_id"])
            #expect(try await app.createAccount("Acme Inc again", domain: "acme-inc.com").hasPrefix("acc_"), "a tombstone's domain is free again")
        }
    }

    @Test func timelineListsActivitiesNewestFirstAcrossPages() async throws {
        try await TestApp.run { app in
            let id = try await app.createAccount("Acme")
            for day in 1...5 {
                try await app.send(
                    .post,
                    "/v1/activities",
                    #"{"account_id": "\#(id)", "type": "email", "direction": "outbound", "subject": "Day \#(day)", "occurred_at": "2026-03-0\#(day)T10:00:00Z"}"#
                )
            }
            let first = try await app.send(.get, "/v1/accounts/\(id)/timeline?limit=3")
            #expect(
                first.data.compactMap { $0["summary"] as? String } == [
                    "email (outbound): Day 5", "email (outbound): Day 4", "email (outbound): Day 3",
                ]
            )
            #expect(first.data.first?["at"] as? String == "2026-03-05T10:00:00Z")
            #expect((first.data.first?["ref"] as? [String: Any])?["type"] as? String == "activity")
            let cursor = try #require(first.json["next_cursor"] as? String)
            let second = try await app.send(.get, "/v1/accounts/\(id)/timeline?limit=3&cursor=\(cursor)")
            #expect(second.data.compactMap { $0["summary"] as? String } == ["email (outbound): Day 2", "email (outbound): Day 1"])
            #expect(second.json["next_cursor"] is NSNull)
            #expect(try await app.send(.get, "/v1/accounts/acc_missing/timeline").status == .notFound)
        }
    }

    @Test func paginationVisitsEveryAccountOnce() async throws {
        try await TestApp.run { app in
            var created: [String] = []
            for index in 0..<23 { created.append(try await app.createAccount("Account \(index)")) }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let reply = try await app.send(.get, "/v1/accounts?limit=5" + (cursor.map { "&cursor=\($0)" } ?? ""))
                #expect(reply.data.count <= 5)
                seen += reply.data.compactMap { $0["id"] as? String }
                cursor = reply.json["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == created)
        }
    }

    @Test func parallelCreationsAllLandAndDuplicatesConflictExactlyOnce() async throws {
        try await TestApp.run { app in
            let distinct = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<200 {
                    group.addTask { try await app.send(.post, "/v1/accounts", #"{"name": "Parallel \#(index)"}"#).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(distinct.filter { $0 == .created }.count == 200)
            let sameDomain = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<50 {
                    group.addTask { try await app.send(.post, "/v1/accounts", #"{"name": "Same \#(index)", "domain": "same.com"}"#).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(sameDomain.filter { $0 == .created }.count == 1)
            #expect(sameDomain.filter { $0 == .conflict }.count == 49)
            var total = 0
            var cursor: String?
            repeat {
                let reply = try await app.send(.get, "/v1/accounts?limit=500" + (cursor.map { "&cursor=\($0)" } ?? ""))
                total += reply.data.count
                cursor = reply.json["next_cursor"] as? String
            } while cursor != nil
            #expect(total == 201)
        }
    }
}
