import Foundation
import HTTPTypes
import TenureTestSupport
import Testing

/// `POST /v1/imports` (`INTEGRATIONS.md`, CSV import) through the real app.
@Suite(.temporaryFolder) struct ImportTests {
    static func post(
        _ app: TestApp,
        _ query: String,
        _ csv: String,
        key: String = TestApp.writeKey,
        contentType: String = "text/csv"
    ) async throws -> TestReply {
        try await app.send(.post, "/v1/imports?\(query)", csv, key: key, contentType: contentType)
    }

    static func errors(_ reply: TestReply) -> [String] {
        (reply.json["errors"] as? [[String: Any]] ?? []).map { "\($0["row"] ?? "-") \($0["column"] ?? "-") \($0["field"] ?? "-")" }
    }

    @Test func accountsComeInWithTheirHeadersInAnyCaseAndQuotedCells() async throws {
        try await TestApp.run { app in
            let csv =
                "\u{FEFF}Name;  Domain ;Segment;Employee Count;Notes\r\n\"Alder; Sons\";alder-sons.example;enterprise;120;\"first\r\nsecond\"\r\n"
                + "'=Birch Co;birch.example;smb;;x\r\nCedar;;;;\r\n"
            let reply = try await Self.post(app, "object=accounts", csv)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.json["created"] as? Int == 3)
            #expect(reply.json["rows"] as? Int == 3)
            #expect(reply.json["valid"] as? Bool == true)
            #expect(reply.json["dry_run"] as? Bool == false)
            #expect(reply.json["ignored_columns"] as? [String] == ["Notes"])
            #expect((reply.json["columns"] as? [String: String])?["Employee Count"] == "employee_count")
            let accounts = try await app.send(.get, "/v1/accounts?limit=10").data
            let alder = try #require(accounts.first { $0["name"] as? String == "Alder; Sons" })
            #expect(alder["domain"] as? String == "alder-sons.example")
            #expect(alder["employee_count"] as? Int == 120)
            #expect(accounts.contains { $0["name"] as? String == "=Birch Co" })
            let audit = try await app.send(.get, "/v1/audit-log?limit=100").data.filter { ($0["action"] as? String)?.hasPrefix("import") == true }
            #expect(audit.map { $0["action"] as? String } == ["import.accounts"])
        }
    }

    @Test func oneBadCellIs422NamingItsRowAndColumnAndStoresNothing() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let csv = "name,domain,Segment,employee_count\nAlder,alder.example,enterprise,5\nBirch,birch.example,galactic,x\n,cedar.example,,\n"
            let reply = try await Self.post(app, "object=accounts", csv)
            #expect(reply.status == .unprocessableContent)
            #expect(reply.headers[.contentType] == "application/problem+json")
            #expect(Self.errors(reply) == ["3 employee_count employee_count", "3 Segment segment", "4 name name"], "\(reply.text)")
            #expect(try await app.snapshot() == before)
            let dry = try await Self.post(app, "object=accounts&dry_run=true", csv)
            #expect(dry.status == .ok)
            #expect(dry.json["valid"] as? Bool == false)
            #expect(!(dry.json["errors"] as? [[String: Any]] ?? []).isEmpty)
            let valid = try await Self.post(app, "object=accounts&dry_run=true", "name\nAlder\nBirch\n")
            #expect(valid.json["created"] as? Int == 2)
            #expect(valid.json["dry_run"] as? Bool == true)
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func duplicatesFollowThePolicyAndRepeatsAreAlwaysErrors() async throws {
        try await TestApp.run { app in
            let existing = try await app.createAccount("Alder", domain: "alder.example", externalID: "crm-1")
            let csv = "name,domain,industry\nAlder Renamed,https://www.Alder.example/x,Forestry\nBirch,birch.example,\n"
            let refused = try await Self.post(app, "object=accounts", csv)
            #expect(refused.status == .unprocessableContent)
            #expect(Self.errors(refused) == ["2 - -"])
            let skipped = try await Self.post(app, "object=accounts&on_duplicate=skip&dry_run=true", csv)
            #expect(skipped.json["skipped"] as? Int == 1)
            #expect(skipped.json["created"] as? Int == 1)
            let updated = try await Self.post(app, "object=accounts&on_duplicate=update", csv)
            #expect(updated.status == .ok, "\(updated.text)")
            #expect(updated.json["updated"] as? Int == 1)
            let account = try await app.send(.get, "/v1/accounts/\(existing)").json
            #expect(account["name"] as? String == "Alder Renamed")
            #expect(account["industry"] as? String == "Forestry")
            #expect(account["external_id"] as? String == "crm-1")
            for policy in ["error", "skip", "update"] {
                let repeated = try await Self.post(app, "object=accounts&on_duplicate=\(policy)", "name,domain\nNew,new.example\nAgain,NEW.example\n")
                #expect(Self.errors(repeated) == ["3 domain domain"], "\(policy)")
            }
            try await app.createAccount("Cedar", domain: "cedar.example")
            let two = try await Self.post(app, "object=accounts&on_duplicate=update", "name,domain,external_id\nBoth,cedar.example,crm-1\n")
            #expect(Self.errors(two) == ["2 - -"])
            #expect(((two.json["errors"] as? [[String: Any]])?.first?["message"] as? String)?.contains("matches two accounts") == true)
        }
    }

    @Test func contactsOpportunitiesAndActivitiesFindTheirAccountAndReferences() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("Alder", domain: "alder.example", externalID: "crm-alder")
            let contacts =
                "account_external_id,name,email,title\ncrm-alder,Dana Reyes,Dana@Alder.example,VP Sales\ncrm-alder,Sam Lee,sam@alder.example,Engineer\n"
            #expect(try await Self.post(app, "object=contacts", contacts).json["created"] as? Int == 2)
            let again = try await Self.post(
                app,
                "object=contacts&on_duplicate=update",
                "account_domain,name,email,title\nalder.example,Dana R.,DANA@alder.example,\n"
            )
            #expect(again.json["updated"] as? Int == 1, "\(again.text)")
            let opportunities =
                "account_domain,name,amount_decimal,currency,stage,external_id,lost_reason\n"
                + "alder.example,Platform,18250.5,,discovery,opp-1,\nalder.example,Add-on,99.99,USD,closed_lost,opp-2,Budget\n"
            let created = try await Self.post(app, "object=opportunities", opportunities)
            #expect(created.json["created"] as? Int == 2, "\(created.text)")
            let platform = try await app.opportunity(externalID: "opp-1")
            #expect(platform["amount"] as? Int == 1_825_050)
            #expect(platform["stage"] as? String == "discovery")
            #expect(try await app.opportunity(externalID: "opp-2")["lost_reason"] as? String == "Budget")
            let activities =
                "account_id,type,occurred_at,contact_email,opportunity_external_id,subject\n"
                + "\(account),call,2026-03-01T10:00:00Z,dana@ALDER.example,opp-1,Kickoff\n\(account),email,2026-03-02T08:00:00Z,,,\n"
            let logged = try await Self.post(app, "object=activities", activities)
            #expect(logged.json["created"] as? Int == 2, "\(logged.text)")
            let listed = try await app.send(.get, "/v1/activities?account_id=\(account)").data
            #expect(listed.count == 2)
            #expect(listed.contains { $0["opportunity_id"] as? String == platform["id"] as? String && $0["contact_id"] != nil })
            let unknown = try await Self.post(
                app,
                "object=activities",
                "account_external_id,type,contact_email\ncrm-alder,call,nobody@alder.example\nmissing,call,\n"
            )
            #expect(Self.errors(unknown) == ["2 contact_email contact_email", "3 account_external_id account_external_id"])
        }
    }

    @Test func columnsMapAndSavedMappingsApply() async throws {
        try await TestApp.run { app in
            let csv = "Company,Website,Internal\nAlder,alder.example,x\n"
            let mapped = try await Self.post(
                app,
                #"object=accounts&dry_run=true&columns=%7B%22Company%22%3A%22name%22%2C%22Website%22%3A%22domain%22%2C%22Internal%22%3Anull%7D"#,
                csv
            )
            #expect(mapped.json["created"] as? Int == 1, "\(mapped.text)")
            #expect(mapped.json["ignored_columns"] as? [String] == [])
            let put = try await app.send(
                .put,
                "/v1/settings/import-mappings",
                #"{"mappings": {"crm-export": {"object": "accounts", "columns": {"Company": "name", "Website": "domain", "Internal": null}}}}"#
            )
            #expect(put.status == .ok, "\(put.text)")
            let saved = try await app.send(.get, "/v1/settings/import-mappings").json
            #expect(((saved["mappings"] as? [String: Any])?["crm-export"] as? [String: Any])?["object"] as? String == "accounts")
            let reply = try await Self.post(app, "object=accounts&mapping=crm-export", csv)
            #expect(reply.json["created"] as? Int == 1, "\(reply.text)")
            #expect(try await Self.post(app, "object=contacts&mapping=crm-export", csv).status == .unprocessableContent)
            #expect(try await Self.post(app, "object=accounts&mapping=nope", csv).status == .unprocessableContent)
            let unknownField = try await Self.post(app, #"object=accounts&columns=%7B%22Company%22%3A%22title%22%7D"#, csv)
            #expect(Self.errors(unknownField) == ["1 Company -"])
            let bad = try await app.send(
                .put,
                "/v1/settings/import-mappings",
                #"{"mappings": {"x": {"object": "leads", "columns": {}}, "y": {"object": "accounts", "columns": {"A": "title"}}}}"#
            )
            #expect(bad.status == .unprocessableContent)
            #expect(Set(bad.errorFields) == ["mappings.x.object", "mappings.y.columns.A"])
            #expect(try await app.send(.put, "/v1/settings/import-mappings", #"{"mappings": {}}"#, key: TestApp.writeKey).status == .forbidden)
        }
    }

    @Test func aFormWithAFileAndColumnsPartWorksToo() async throws {
        try await TestApp.run { app in
            let boundary = "----tenure\(UInt32.random(in: 1000...9999))"
            let body =
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"accounts.csv\"\r\nContent-Type: text/csv\r\n\r\n"
                + "Company\r\nAlder\r\nBirch\r\n\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"columns\"\r\n\r\n{\"Company\": \"name\"}\r\n--\(boundary)--\r\n"
            let reply = try await Self.post(app, "object=accounts", body, contentType: "multipart/form-data; boundary=\(boundary)")
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.json["created"] as? Int == 2)
        }
    }

    @Test func brokenFilesAndRequestsAreClearErrorsAndStoreNothing() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let unbalanced = try await Self.post(app, "object=accounts", "name\n\"Alder\nBirch\n")
            #expect(unbalanced.status == .badRequest)
            #expect((unbalanced.json["detail"] as? String)?.contains("Row 2") == true)
            var latin1 = Array("name\nCaf".utf8)
            latin1.append(0xE9)
            let encoded = try await app.client.execute(
                uri: "/v1/imports?object=accounts",
                method: .post,
                headers: [.authorization: "Bearer \(TestApp.writeKey)", .contentType: "text/csv"],
                body: .init(bytes: latin1)
            ) { TestReply(status: $0.status, headers: $0.headers, body: Data(buffer: $0.body)) }
            #expect(encoded.status == .badRequest)
            #expect(try await Self.post(app, "object=leads", "name\nx\n").status == .badRequest)
            #expect(try await Self.post(app, "", "name\nx\n").status == .badRequest)
            #expect(try await Self.post(app, "object=accounts&on_duplicate=merge", "name\nx\n").status == .badRequest)
            #expect(try await Self.post(app, "object=accounts", "name\nx\n", key: TestApp.readKey).status == .forbidden)
            #expect(try await Self.post(app, "object=accounts", "name\nx\n", contentType: "application/json").status == .unsupportedMediaType)
            let tooMany = "name\n" + String(repeating: "x\n", count: 100_001)
            #expect(try await Self.post(app, "object=accounts&dry_run=true", tooMany).status == .contentTooLarge)
            #expect(try await app.snapshot() == before)
        }
    }

    @Test func anExportedListImportsBackAsDuplicates() async throws {
        try await TestApp.run { app in
            try await app.createAccount("=Alder", domain: "alder.example")
            try await app.createAccount("Birch, Inc.", domain: "birch.example")
            let export = try await app.send(.get, "/v1/accounts", headers: [.accept: "text/csv"])
            let reply = try await Self.post(app, "object=accounts&on_duplicate=skip", export.text)
            #expect(reply.status == .ok, "\(reply.text)")
            #expect(reply.json["skipped"] as? Int == 2)
            #expect((reply.json["ignored_columns"] as? [String])?.contains("mrr") == true)
        }
    }
}
