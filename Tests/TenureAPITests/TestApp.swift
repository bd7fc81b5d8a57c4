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

/// Arguments of a test server: a fresh database (`TestDatabase`), an ephemeral port.
struct TestArguments: AppArguments {
    var host = "127.0.0.1"
    var port = 0
    var database: TestDatabase
    var durability = Durability.normal
    var currency = "usd"
    var migrate = true
    var bootstrapAdminKey: String?
    var logLevel = Logger.Level.error
    var rateLimit = 0
    var webhookSecrets = WebhookSecrets(
        crm: [TestApp.crmSecret, TestApp.rotatedCRMSecret],
        stripe: [TestApp.stripeSecret],
        hubspot: [CRMDeliveries.oldHubSpotSecret, CRMDeliveries.hubspotSecret],
        pipedrive: [CRMDeliveries.pipedriveCredentials, "rotated-hook:an0ther-pa55"],
        salesforceOrganizations: [CRMDeliveries.salesforceOrganization],
        publicURL: CRMDeliveries.publicURL + "/"
    )
    var clock = Clock.system
    var dailyEvaluation = false
    var dailyRetention = false
    /// EVENTS.md: tests receive on 127.0.0.1 with every delay shortened.
    var outbound = OutboundSettings(allowPrivate: true, retryScale: 0.0001)
    /// The webhook and automation workers run only where a test asks for them (`delivering`): every test's server
    /// polling its queues would crowd the test cluster's connections for nothing.
    var deliversWebhooks = false
    var chartJSPath = debianChartJSPath
    var privacySecrets = PrivacySecrets(unsubscribe: [])

    init(database: TestDatabase = .fresh()) {
        self.database = database
    }

    /// A server that refuses private webhook targets, with no background worker: a test comparing every row before and
    /// after a request sees only what the request did (the event clock stores its watermark when it starts).
    static var refusingPrivateTargets: TestArguments {
        var arguments = TestArguments()
        arguments.outbound = OutboundSettings(allowPrivate: false, retryScale: 0.0001)
        return arguments
    }

    /// A server that sends webhooks and runs automations, with private targets allowed unless told otherwise.
    static func delivering(allowPrivate: Bool = true, retryScale: Double = 0.0001) -> TestArguments {
        var arguments = TestArguments()
        arguments.deliversWebhooks = true
        arguments.outbound = OutboundSettings(allowPrivate: allowPrivate, retryScale: retryScale)
        return arguments
    }

    /// The real application over `database`, as `tenure serve` builds it.
    func buildApplication() async throws -> some ApplicationProtocol {
        try await TenureAPI.buildApplication(self) { logger in
            try await database.openStorage(migrate: migrate, durability: durability, logger: logger)
        }
    }
}

/// A running app with an admin, a write and a read key.
struct TestApp: Sendable {
    static let adminKey = "tnr_test_admin_key_0123456789"
    static let writeKey = "tnr_test_write_key_0123456789"
    static let readKey = "tnr_test_read_key_01234567890"
    static let exportKey = "tnr_test_export_key_012345678"
    /// Two active CRM secrets, as during a rotation.
    static let crmSecret = "whsec_" + Data("tenure-test-crm-secret-one".utf8).base64EncodedString()
    static let stripeSecret = "whsec_tenure_test_stripe_endpoint_secret"
    static let rotatedCRMSecret = "whsec_" + Data("tenure-test-crm-secret-two".utf8).base64EncodedString()

    let client: any TestClientProtocol
    let database: TestDatabase

    /// Builds the real application over a new database and runs `body` against its router (or a live server).
    @discardableResult
    static func run<T: Sendable>(
        _ setup: TestingSetup = .router,
        arguments: TestArguments = TestArguments(),
        withKeys: Bool = true,
        _ body: @Sendable (TestApp) async throws -> T
    ) async throws -> T {
        if withKeys { try await createKeys(in: arguments.database) }
        let app = try await arguments.buildApplication()
        return try await app.test(setup) { client in
            try await body(TestApp(client: client, database: arguments.database))
        }
    }

    private static func createKeys(in database: TestDatabase) async throws {
        let storage = try await database.openStorage(logger: Logger(label: "test"))
        let keys = KeyService(storage: storage, clock: .system)
        _ = try await keys.create(name: "admin", scope: .admin, secret: adminKey)
        _ = try await keys.create(name: "writer", scope: .write, secret: writeKey)
        _ = try await keys.create(name: "reader", scope: .read, secret: readKey)
        _ = try await keys.create(name: "exporter", scope: .export, secret: exportKey)
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
    func snapshot() async throws -> [String] { try await database.rows() }
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
