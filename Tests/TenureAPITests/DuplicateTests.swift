import Foundation
import HTTPTypes
import TenureCore
import Testing

/// `INSIGHTS.md`, "Duplicates": accounts matched by name key or subdomain, contacts by email without its tag or by name
/// at one account, in connected groups oldest first; tombstones and erased contacts never match.
@Suite(.temporaryFolder) struct DuplicateTests {
    @Test func accountsByNameKeyAndSubdomain_contactsByEmailAndName() async throws {
        try await TestApp.run { app in
            let acme = try await app.createAccount("Acme Inc", domain: "acme.example")
            let shouting = try await app.createAccount("ACME, Inc.")
            let european = try await app.createAccount("Acme Europe", domain: "eu.acme.example")
            let plain = try await app.createAccount("Acme")
            let sibling = try await app.createAccount("Acme America", domain: "us.acme.example")
            _ = try await app.createAccount("Acmeo Ltd")
            let globex = try await app.createAccount("Globex Corporation")
            let merged = try await app.createAccount("Globex")
            #expect(try await app.send(.post, "/v1/accounts/\(globex)/merge", #"{"source_id": "\#(merged)"}"#).status == .ok)
            let reply = try await app.send(.get, "/v1/duplicates?object=accounts", key: TestApp.readKey)
            #expect(reply.status == .ok, "\(reply.text)")
            let clusters = reply.data
            #expect(clusters.count == 1, "\(reply.text)")
            let cluster = try #require(clusters.first)
            #expect(cluster["object"] as? String == "duplicate_cluster")
            #expect(
                ((cluster["records"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == [acme, shouting, european, plain, sibling]
            )
            let pairs = ((cluster["pairs"] as? [[String: Any]]) ?? []).map {
                "\($0["a"] ?? "")-\($0["b"] ?? "")-\(($0["reasons"] as? [String]) ?? [])"
            }
            #expect(
                Set(pairs) == [
                    "\(acme)-\(shouting)-[\"name\"]", "\(acme)-\(plain)-[\"name\"]", "\(shouting)-\(plain)-[\"name\"]",
                    "\(acme)-\(european)-[\"domain\"]", "\(acme)-\(sibling)-[\"domain\"]",
                ],
                "two subdomains of one domain are not each other's"
            )
            // Contacts: an email with a tag, a name spelled twice at one account (not at another), an erased one.
            func contact(_ account: String, _ name: String, _ email: String) async throws -> String {
                let made = try await app.send(.post, "/v1/contacts", #"{"account_id": "\#(account)", "name": "\#(name)", "email": "\#(email)"}"#)
                return try #require(made.json["id"] as? String, "\(made.text)")
            }
            let ana = try await contact(acme, "Ana Ruiz", "ana@acme.example")
            let tagged = try await contact(globex, "A. Ruiz", "Ana+crm@acme.example")
            let dotted = try await contact(acme, "Mr. Ben O'Hara", "ben@acme.example")
            let spaced = try await contact(acme, "mr  ben ohara", "b.ohara@acme.example")
            _ = try await contact(plain, "Ben OHara", "ben.ohara@plain.example")
            _ = try await contact(plain, "Gone Person", "gone@acme.example")
            _ = try await contact(sibling, "Gone Again", "gone+x@acme.example")
            #expect(try await app.send(.post, "/v1/privacy/erasures", #"{"email": "gone@acme.example"}"#).status == .ok)
            let people = try await app.send(.get, "/v1/duplicates?object=contacts", key: TestApp.readKey)
            let groups = people.data.map { (($0["records"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } }
            #expect(groups == [[ana, tagged], [dotted, spaced]], "\(people.text)")
            #expect((people.data.first?["records"] as? [[String: Any]])?.first?["email"] as? String == "ana@acme.example")
            for query in ["", "?object=leads", "?object="] {
                let bad = try await app.send(.get, "/v1/duplicates\(query)", key: TestApp.readKey)
                #expect(bad.status == .badRequest, "\(query)")
                #expect(LeadTests.errors(bad) == ["object"], "\(query): \(bad.text)")
            }
            let first = try await app.send(.get, "/v1/duplicates?object=contacts&limit=1", key: TestApp.readKey)
            let next = try #require(first.json["next_cursor"] as? String)
            let second = try await app.send(.get, "/v1/duplicates?object=contacts&limit=1&cursor=\(next)", key: TestApp.readKey)
            #expect(second.data.count == 1 && second.json["next_cursor"] is NSNull)
        }
    }
}
