import Foundation
import HTTPTypes
import Logging
import TenureCSV
import TenureServices
import TenureTestSupport
import Testing

/// `Accept: text/csv` on lists (`INTEGRATIONS.md`, CSV export).
@Suite(.temporaryFolder) struct CSVExportTests {
    static let csv: HTTPFields = [.accept: "text/csv"]

    static func records(_ reply: TestReply) throws -> [[String]] {
        var bytes = Array(reply.body)
        if bytes.starts(with: CSVReader.byteOrderMark) { bytes.removeFirst(3) }
        var reader = CSVReader(bytes, delimiter: UInt8(ascii: ","))
        var records: [[String]] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    @Test func everyMatchingRowAcrossPagesWithTheJSONFieldsAsColumns() async throws {
        try await TestApp.run { app in
            let account = try await app.createAccount("=HYPERLINK(1+2)", domain: "evil.example")
            let items = (0..<1_203).map { index in
                #"{"account_id": "\#(account)", "type": "email", "occurred_at": "2026-01-01T00:00:00Z", "summary": "note, \#(index) \"quoted\"\nline"}"#
            }
            #expect(try await app.send(.post, "/v1/activities/batch", #"{"activities": [\#(items.joined(separator: ","))]}"#).status == .created)
            let reply = try await app.send(.get, "/v1/activities?account_id=\(account)&limit=5", headers: Self.csv)
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(reply.headers[HTTPField.Name("Content-Disposition")!] == #"attachment; filename="activities.csv""#)
            #expect(reply.text.hasSuffix("\r\n"))
            let records = try Self.records(reply)
            #expect(records.count == 1 + 1_203)
            let json = try await app.send(.get, "/v1/activities?account_id=\(account)&limit=1").data[0]
            #expect(records[0] == Array(json.keys).sorted { Self.position($0, in: reply.text) < Self.position($1, in: reply.text) })
            let first = Dictionary(uniqueKeysWithValues: zip(records[0], records[1]))
            #expect(first["id"] == json["id"] as? String)
            #expect(first["summary"] == json["summary"] as? String)
            let id = try #require(records[0].firstIndex(of: "id"))
            #expect(Set(records.dropFirst().map { $0[id] }).count == 1_203, "every row once")

            let accounts = try Self.records(try await app.send(.get, "/v1/accounts", headers: Self.csv))
            let header = accounts[0]
            #expect(header.contains("health.score"))
            #expect(header.contains("health.band"))
            let row = Dictionary(uniqueKeysWithValues: zip(header, accounts[1]))
            #expect(row["name"] == "'=HYPERLINK(1+2)")
            #expect(row["domain"] == "evil.example")
            #expect(row["health.score"] == "")
        }
    }

    /// Where a column first appears in the header line.
    static func position(_ column: String, in text: String) -> Int {
        let header = text.prefix { $0 != "\r" }
        return header.components(separatedBy: ",").firstIndex(of: column) ?? Int.max
    }

    @Test func filtersApplyAndABOMIsAddedOnRequest() async throws {
        try await TestApp.run { app in
            try await app.send(.post, "/v1/accounts", #"{"name": "Big Co", "segment": "enterprise"}"#)
            try await app.send(.post, "/v1/accounts", #"{"name": "Small Co", "segment": "smb"}"#)
            let reply = try await app.send(.get, "/v1/accounts?segment=enterprise&bom=true", headers: Self.csv)
            #expect(Array(reply.body).starts(with: CSVReader.byteOrderMark))
            let records = try Self.records(reply)
            #expect(records.count == 2)
            #expect(records[1].contains("Big Co"))
            let empty = try await app.send(.get, "/v1/accounts?segment=mid_market", headers: Self.csv)
            #expect(empty.status == .ok)
            #expect(empty.body.isEmpty)
        }
    }

    @Test func onlyAdminAndExportKeysTakeCSV() async throws {
        try await TestApp.run { app in
            try await app.createAccount("Keyed Co")
            for key in [TestApp.readKey, TestApp.writeKey] {
                let refused = try await app.send(.get, "/v1/accounts", key: key, headers: Self.csv)
                #expect(refused.status == .forbidden)
                #expect(refused.headers[.contentType] == "application/problem+json")
            }
            #expect(try await app.send(.get, "/v1/accounts", key: TestApp.exportKey, headers: Self.csv).status == .ok)
            // An export key reads JSON too, and writes nothing.
            #expect(try await app.send(.get, "/v1/accounts", key: TestApp.exportKey).status == .ok)
            #expect(try await app.send(.post, "/v1/accounts", #"{"name": "No"}"#, key: TestApp.exportKey).status == .forbidden)
            #expect(try await app.send(.get, "/v1/webhook-events", key: TestApp.exportKey, headers: Self.csv).status == .forbidden)
        }
    }

    @Test func errorsBeforeTheFirstByteAreProblems() async throws {
        try await TestApp.run { app in
            let bad = try await app.send(.get, "/v1/accounts?segment=galactic", headers: Self.csv)
            #expect(bad.status == .badRequest || bad.status == .unprocessableContent)
            #expect(bad.headers[.contentType] == "application/problem+json")
            let summary = try await app.send(.get, "/v1/metrics/summary", headers: Self.csv)
            #expect(summary.status == .notAcceptable)
            #expect(try await app.send(.get, "/v1/accounts/acc_missing/timeline", headers: Self.csv).status == .notFound)
        }
    }

    @Test func readsInOneSnapshotSeeNoWriteMadeMeanwhile() async throws {
        try await TestApp.run { app in
            let storage = try await app.database.openStorage(logger: Logger(label: "test"))
            let services = Services(storage: storage, clock: .system, currency: "usd")
            _ = try await services.accounts.create(AccountInput(name: "Before"), by: .system)
            let (first, second) = try await storage.inOneSnapshot {
                let first = try await services.accounts.list(AccountFilter(), page: PageRequest(limit: 50), asOf: Date()).items.count
                _ = try await services.accounts.create(AccountInput(name: "Meanwhile"), by: .system)
                let second = try await services.accounts.list(AccountFilter(), page: PageRequest(limit: 50), asOf: Date()).items.count
                return (first, second)
            }
            #expect(first == 1)
            #expect(second == 1)
            #expect(try await services.accounts.list(AccountFilter(), page: PageRequest(limit: 50), asOf: Date()).items.count == 2)
            await storage.close()
        }
    }
}
