import Foundation
import TenureTestSupport
import Testing

/// `GET/PUT /v1/settings/crm-mapping` (`INTEGRATIONS.md`).
@Suite(.temporaryFolder) struct CRMMappingAPITests {
    @Test func theDefaultsAreTheChaptersTables() async throws {
        try await TestApp.run { app in
            let mapping = try await app.send(.get, "/v1/settings/crm-mapping", key: TestApp.readKey).json
            let hubspot = (mapping["hubspot"] as? [String: Any])?["stages"] as? [String: String]
            #expect(hubspot?["presentationscheduled"] == "solution_fit")
            #expect(hubspot?.count == 7)
            #expect((mapping["pipedrive"] as? [String: Any])?["stages"] as? [String: String] == [:])
            let salesforce = mapping["salesforce"] as? [String: Any]
            #expect((salesforce?["stages"] as? [String: String])?["Id. Decision Makers"] == "solution_fit")
            #expect((salesforce?["stages"] as? [String: String])?.count == 10)
            #expect(salesforce?["lost_reason_field"] as? String == "Loss_Reason__c")
        }
    }

    @Test func aPutReplacesOnlyTheCRMsItGives() async throws {
        try await TestApp.run { app in
            let before = try await app.send(.get, "/v1/settings/crm-mapping").json
            let put = try await app.send(
                .put,
                "/v1/settings/crm-mapping",
                #"{"salesforce": {"stages": {"Won": "closed_won"}, "lost_reason_field": "Why_Lost__c"}}"#
            )
            #expect(put.status == .ok, "\(put.text)")
            let after = try await app.send(.get, "/v1/settings/crm-mapping").json
            #expect((after["salesforce"] as? [String: Any])?["stages"] as? [String: String] == ["Won": "closed_won"])
            #expect((after["salesforce"] as? [String: Any])?["lost_reason_field"] as? String == "Why_Lost__c")
            #expect(
                NSDictionary(dictionary: after["hubspot"] as? [String: Any] ?? [:])
                    == NSDictionary(dictionary: before["hubspot"] as? [String: Any] ?? [:])
            )
            let audit = try await app.send(.get, "/v1/audit-log").data
            #expect(audit.contains { $0["action"] as? String == "settings.crm_mapping.update" })
        }
    }

    @Test func invalidTablesAre422AndChangeNothing() async throws {
        try await TestApp.run { app in
            let before = try await app.snapshot()
            let cases: [(String, [String])] = [
                (#"{"hubspot": {"stages": {"closedwon": "won"}}}"#, ["hubspot.stages.closedwon"]),
                (#"{"zoho": {"stages": {}}}"#, ["zoho"]),
                (#"{"hubspot": {}}"#, ["hubspot.stages"]),
                (#"{"hubspot": {"stages": {"a": 1}}}"#, ["hubspot.stages.a"]),
                (#"{"hubspot": {"stages": []}}"#, ["hubspot.stages"]),
                (#"{"pipedrive": {"stages": {}, "lost_reason_field": "x"}}"#, ["pipedrive.lost_reason_field"]),
                (#"{"hubspot": {"stages": {}, "extra": 1}}"#, ["hubspot.extra"]),
                (#"{"hubspot": "closedwon"}"#, ["hubspot"]),
            ]
            for (body, fields) in cases {
                let reply = try await app.send(.put, "/v1/settings/crm-mapping", body)
                #expect(reply.status == .unprocessableContent, "\(body)")
                #expect(reply.errorFields == fields, "\(body)")
            }
            #expect(try await app.send(.put, "/v1/settings/crm-mapping", "[1]").status == .badRequest)
            #expect(try await app.send(.put, "/v1/settings/crm-mapping", #"{"hubspot": {"stages": {}}}"#, key: TestApp.writeKey).status == .forbidden)
            #expect(try await app.snapshot() == before)
        }
    }
}
