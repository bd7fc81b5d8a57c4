import Foundation
import Hummingbird
import Logging
import TenurePersistence
import TenureServices
import TenureTestSupport
import Testing

@testable import TenureAPI

@Suite(.temporaryFolder) struct OpenAPITests {
    /// `openapi.yaml` must describe exactly the routes the server registers (paths and methods).
    @Test func openAPIDescribesEveryRouteAndNoOther() async throws {
        let storage = try await TestDatabase.fresh().openStorage(logger: Logger(label: "test"))
        let services = Services(storage: storage, clock: .system, currency: "usd")
        let gate = Gate(
            storage: storage,
            keys: services.keys,
            rateLimiter: RateLimiter(perSecond: 0),
            idempotency: services.idempotency,
            clock: services.clock
        )
        let table = RouteTable(Router(context: AppRequestContext.self))
        for routes in controllers(services, gate, webhookSecrets: WebhookSecrets(), chartJSPath: debianChartJSPath) { table.addRoutes(routes) }
        await storage.close()
        let served = Set(table.methods.flatMap { route in route.methods.map { "\($0.rawValue) \(route.path)" } })
        #expect(served == (try Self.documentedOperations()))
    }

    /// `METHOD /path` for every operation under `paths:` (two-space path keys, four-space method keys).
    static func documentedOperations() throws -> Set<String> {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../openapi.yaml").standardized
        var operations: Set<String> = []
        var path: String?
        var inPaths = false
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") { inPaths = line == "paths:" }
            guard inPaths else { continue }
            if line.hasPrefix("  /") { path = String(line.dropFirst(2).dropLast()) }
            let methods = ["get", "post", "put", "patch", "delete"]
            if line.hasPrefix("    "), !line.hasPrefix("     "), let path, let method = methods.first(where: { line == "    \($0):" }) {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }
}
