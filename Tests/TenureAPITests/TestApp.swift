import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SQLiteStore
import TenureAPI
import TenurePersistence
import TenureServices
import TenureTestSupport
import Testing

/// Arguments of a test server: a fresh SQLite file in a temporary folder, an ephemeral port.
struct TestArguments: AppArguments {
    var host = "127.0.0.1"
    var port = 0
    var databasePath: String
    var durability = Durability.normal
    var currency = "usd"
    var migrate = true
    var bootstrapAdminKey: String?
    var logLevel = Logger.Level.error
    var rateLimit = 0
    var webhookSecrets = WebhookSecrets(crm: [TestApp.crmSecret, TestApp.rotatedCRMSecret], stripe: [TestApp.stripeSecret])
    var clock = Clock.system
    var dailyEvaluation = false
    var chartJSPath = debianChartJSPath

    init(databasePath: String = TestApp.temporaryDatabasePath()) {
        self.databasePath = databasePath
    }

    /// The real application over the SQLite file at `databasePath`, as `tenure serve` builds it.
    func buildApplication() async throws -> some ApplicationProtocol {
        try await TenureAPI.buildApplication(self) { logger in
            try await SQLiteStorage(path: databasePath, durability: durability, migrate: migrate, logger: logger)
        }
    }
}

/// A running app with an admin, a write and a read key.
struct TestApp: Sendable {
    static let adminKey = "tnr_test_admin_key_0123456789"
    static let writeKey = "tnr_test_write_key_0123456789"
    static let readKey = "tnr_test_read_key_01234567890"
    /// Two active CRM secrets, as during a rotation.
    static let crmSecret = "whsec_" + Data("tenure-test-crm-secret-one".utf8).base64EncodedString()
    static let stripeSecret = "whsec_tenure_test_stripe_endpoint_secret"
    static let rotatedCRMSecret = "whsec_" + Data("tenure-test-crm-secret-two".utf8).base64EncodedString()

    let client: any TestClientProtocol
    let databasePath: String

    /// A new database file in the test's temporary folder, deleted when the test ends.
    static func temporaryDatabasePath() -> String { TemporaryFolder.path("tenure.sqlite") }

    /// Builds the real application over a new database and runs `body` against its router (or a live server).
    @discardableResult
    static func run<T: Sendable>(
        _ setup: TestingSetup = .router,
        arguments: TestArguments = TestArguments(),
        withKeys: Bool = true,
        _ body: @Sendable (TestApp) async throws -> T
    ) async throws -> T {
        if withKeys { try await createKeys(at: arguments.databasePath) }
        let app = try await arguments.buildApplication()
        return try await app.test(setup) { client in
            try await body(TestApp(client: client, databasePath: arguments.databasePath))
        }
    }

    private static func createKeys(at path: String) async throws {
        let storage = try await SQLiteStorage(path: path, durability: .normal, migrate: true, logger: Logger(label: "test"))
        let keys = KeyService(storage: storage, clock: .system)
        _ = try await keys.create(name: "admin", scope: .admin, secret: adminKey)
        _ = try await keys.create(name: "writer", scope: .write, secret: writeKey)
        _ = try await keys.create(name: "reader", scope: .read, secret: readKey)
        await storage.close()
    }

    /// Sends a request with the admin key unless told otherwise; `body` is sent as given (JSON unless `contentType` says otherwise).
    @discardableResult
    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ body: String? = nil,
        key: String? = TestApp.adminKey,
        contentType: String = "application/json",
        headers extra: HTTPFields = [:]
    ) async throws -> TestReply {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if body != nil { headers[.contentType] = contentType }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            TestReply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }

    /// Creates an account and returns its id.
    func createAccount(_ name: String, domain: String? = nil, externalID: String? = nil) async throws -> String {
        var fields = ["\"name\": \"\(name)\""]
        if let domain { fields.append("\"domain\": \"\(domain)\"") }
        if let externalID { fields.append("\"external_id\": \"\(externalID)\"") }
        let reply = try await send(.post, "/v1/accounts", "{\(fields.joined(separator: ", "))}")
        try #require(reply.status == .created, "\(reply.text)")
        return try #require(reply.json["id"] as? String)
    }

    /// Every row of every table but the bookkeeping ones, to prove a refused request changed nothing.
    func snapshot() throws -> [String] {
        let connection = try Connection(path: databasePath, readOnly: true)
        let tables = try connection.query("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").compactMap { $0.string("name") }
        return try tables.filter { !["idempotency_keys", "schema_migrations"].contains($0) }.flatMap { table in
            try connection.query("SELECT * FROM \(table)").map { "\(table): \($0.values)" }.sorted()
        }
    }
}

struct TestReply: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
    var data: [[String: Any]] { json["data"] as? [[String: Any]] ?? [] }
    var errorFields: [String] { (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }
}
