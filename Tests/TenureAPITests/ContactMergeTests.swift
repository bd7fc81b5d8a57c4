import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// INSIGHTS.md, "Contact merge": a dry run that stores nothing, then the merge, with every refusal changing nothing.
@Suite(.temporaryFolder) struct ContactMergeTests {
    static func contact(_ app: TestApp, _ account: String, _ body: String) async throws -> String {
        let reply = try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(account)", \#(body)}"#)
        try #require(reply.status == .created, "\(reply.text)")
        return try #require(reply.json["id"] as? String)
    }

    static func created(_ app: TestApp, _ path: String, _ body: String) async throws -> String {
        let reply = try await app.send(.post, path, body)
        try #require(reply.status == .created, "\(path): \(reply.text)")
        return try #require(reply.json["id"] as? String)
    }

    @Test func aDryRunSaysWhatTheMergeDoes_thenTheMergeMovesEverythingAndLeavesATombstone() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Merge Co")
            let target = try await Self.contact(
                app,
                account,
                #""name": "Dana Reyes", "email": "dana@merge.example", "relationship_strength": "weak""#
            )
            let source = try await Self.contact(
                app,
                account,
                #""name": "dana reyes", "email": "dana+crm@merge.example", "title": "CFO", "phone": "+1 555 0100", "relationship_strength": "strong""#
            )
            let activities = [
                try await Self.created(app, "/v1/activities", #"{"account_id": "\#(account)", "contact_id": "\#(source)", "type": "call"}"#),
                try await Self.created(app, "/v1/activities", #"{"account_id": "\#(account)", "contact_id": "\#(source)", "type": "email"}"#),
            ]
            let kept = try await Self.created(app, "/v1/activities", #"{"account_id": "\#(account)", "contact_id": "\#(target)", "type": "meeting"}"#)
            let survey = try await Self.created(
                app,
                "/v1/surveys",
                #"{"account_id": "\#(account)", "contact_id": "\#(source)", "kind": "nps", "score": 9}"#
            )
            let caseID = try await Self.created(
                app,
                "/v1/cases",
                #"{"account_id": "\#(account)", "contact_id": "\#(source)", "subject": "Invoice", "priority": "low"}"#
            )
            let consent = try await Self.created(
                app,
                "/v1/consents",
                #"{"contact_id": "\#(source)", "channel": "email", "purpose": "marketing", "status": "granted", "source": {"kind": "form"}}"#
            )
            let duplicates = try await app.send(.get, "/v1/duplicates?object=contacts").data
            #expect(duplicates.count == 1, "the two are likely one person")

            let before = try await app.snapshot()
            let dry = try await app.send(.post, "/v1/contacts/\(target)/merge", #"{"source_id": "\#(source)", "dry_run": true}"#)
            #expect(dry.status == .ok, "\(dry.text)")
            #expect(
                dry.json["object"] as? String == "contact_merge" && dry.json["dry_run"] as? Bool == true && dry.json["source_id"] as? String == source
            )
            let moved = dry.json["moved"] as? [String: [String]] ?? [:]
            #expect(moved == ["activities": activities, "surveys": [survey], "consents": [consent], "cases": [caseID]])
            let preview = dry.json["contact"] as? [String: Any] ?? [:]
            #expect(preview["title"] as? String == "CFO" && preview["relationship_strength"] as? String == "strong")
            #expect(preview["email"] as? String == "dana@merge.example" && preview["phone"] as? String == "+1 555 0100")
            #expect(try await app.snapshot() == before, "a dry run stores nothing, not even an audit entry")

            let merged = try await app.send(.post, "/v1/contacts/\(target)/merge", #"{"source_id": "\#(source)"}"#)
            #expect(merged.status == .ok, "\(merged.text)")
            #expect(merged.json["dry_run"] as? Bool == false && merged.json["moved"] as? [String: [String]] == moved)
            let listed = try await app.send(.get, "/v1/contacts?account_id=\(account)").data.compactMap { $0["id"] as? String }
            #expect(listed == [target], "the tombstone is listed nowhere")
            let tombstone = try await app.send(.get, "/v1/contacts/\(source)").json
            #expect(tombstone["merged_into"] as? String == target && tombstone["email"] is NSNull)
            let theirs = try await app.send(.get, "/v1/activities?contact_id=\(target)").data.compactMap { $0["id"] as? String }
            #expect(Set(theirs) == Set(activities + [kept]))
            #expect(try await app.send(.get, "/v1/duplicates?object=contacts").data.isEmpty, "a tombstone never matches")
            let audit = try await app.send(.get, "/v1/audit-log?limit=500").data.compactMap { $0["action"] as? String }
            #expect(audit.filter { $0 == "contact.merge" }.count == 1)

            // A tombstone is final: not changed, not merged again, not merged into, not given new records.
            #expect(try await app.send(.patch, "/v1/contacts/\(source)", #"{"title": "CEO"}"#).status == .conflict)
            #expect(try await app.send(.post, "/v1/contacts/\(target)/merge", #"{"source_id": "\#(source)"}"#).status == .conflict)
            #expect(try await app.send(.post, "/v1/contacts/\(source)/merge", #"{"source_id": "\#(target)"}"#).status == .conflict)
            let late = try await app.send(.post, "/v1/activities", #"{"account_id": "\#(account)", "contact_id": "\#(source)", "type": "call"}"#)
            #expect(late.status == .unprocessableContent && late.errorFields == ["contact_id"])
        }
    }

    @Test func aMergeWithoutASourceOrWithOneElsewhereIsRefused_andChangesNothing() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Keep Co")
            let other = try await app.createAccount("Other Co")
            let target = try await Self.contact(app, account, #""name": "Ann""#)
            let elsewhere = try await Self.contact(app, other, #""name": "Ann""#)
            let before = try await app.snapshot()
            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{}"#, .unprocessableContent, "source_id"),
                (#"{"source_id": ""}"#, .unprocessableContent, "source_id"),
                (#"{"source_id": "con_nope"}"#, .unprocessableContent, "source_id"),
                (#"{"source_id": "\#(target)"}"#, .unprocessableContent, "source_id"),
                (#"{"source_id": "\#(elsewhere)"}"#, .unprocessableContent, "source_id"),
            ]
            for (body, status, field) in cases {
                let reply = try await app.send(.post, "/v1/contacts/\(target)/merge", body)
                #expect(reply.status == status && reply.errorFields == [field], "\(body): \(reply.text)")
            }
            #expect(try await app.send(.post, "/v1/contacts/con_nope/merge", #"{"source_id": "\#(target)"}"#).status == .notFound)
            #expect(try await app.send(.post, "/v1/contacts/\(target)/merge", #"{"source_id": 3}"#).status.code / 100 == 4)
            #expect(
                try await app.send(.post, "/v1/contacts/\(target)/merge", #"{"source_id": "\#(elsewhere)"}"#, key: TestApp.readKey).status
                    == .forbidden
            )
            #expect(try await app.snapshot() == before)
        }
    }

    /// Merging accounts drops a source contact whose email the target account has: what pointed at it, a case and the
    /// tombstone of a contact merged into it included, follows it to the target's contact.
    @Test func anAccountMergeRepointsWhatPointsAtAContactItDrops() async throws {
        try await TestApp.run { app in
            let kept = try await app.createAccount("Kept Co")
            let merged = try await app.createAccount("Merged Co")
            let survivor = try await Self.contact(app, kept, #""name": "Lee", "email": "lee@kept.example""#)
            let dropped = try await Self.contact(app, merged, #""name": "Lee", "email": "lee@kept.example""#)
            let twin = try await Self.contact(app, merged, #""name": "Lee K", "email": "lee.k@kept.example""#)
            let caseID = try await Self.created(
                app,
                "/v1/cases",
                #"{"account_id": "\#(merged)", "contact_id": "\#(dropped)", "subject": "Hi", "priority": "low"}"#
            )
            #expect(try await app.send(.post, "/v1/contacts/\(dropped)/merge", #"{"source_id": "\#(twin)"}"#).status == .ok)
            let reply = try await app.send(.post, "/v1/accounts/\(kept)/merge", #"{"source_id": "\#(merged)"}"#)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(try await app.send(.get, "/v1/contacts/\(twin)").json["merged_into"] as? String == survivor)
            #expect(try await app.send(.get, "/v1/cases/\(caseID)").json["contact_id"] as? String == survivor)
        }
    }
}
