import Foundation
import Hummingbird
import TenureCore
import TenureServices

/// `GET /v1/duplicates` (`INSIGHTS.md`, "Duplicates"): likely duplicate accounts or contacts, in connected groups.
struct DuplicateController {
    let duplicates: DuplicateService
    let accessLog: AccessLogService
    let gate: Gate

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("/v1/duplicates", gate.read.companyWide) { call in
            let query = call.query
            guard let object = try query.enumValue("object", DuplicateObject.self) else {
                throw Problem.badRequest("is required (accounts or contacts)", field: "object")
            }
            let page = try await duplicates.find(object, page: try query.page())
            if object == .contacts {
                try await accessLog.record(call.access("duplicate.list", "contact", count: page.items.reduce(0) { $0 + $1.records.count }))
            }
            return try .json(ListBody(page) { DuplicateClusterResource($0, object: object) })
        }
        return routes
    }
}

struct DuplicateClusterResource: Encodable, Sendable {
    var object = "duplicate_cluster"
    var records: [Record]
    var pairs: [Pair]

    struct Record: Encodable, Sendable {
        var id: String
        var name: String
        /// Accounts: `domain`; contacts: `email` and `account_id`.
        var domain: Nullable<String>?
        var email: Nullable<String>?
        var accountId: String?
    }

    struct Pair: Encodable, Sendable {
        var a: String
        var b: String
        var reasons: [String]
    }

    init(_ group: DuplicateGroup, object: DuplicateObject) {
        records = group.records.map { record in
            switch object {
            case .accounts: Record(id: record.id, name: record.name, domain: Nullable(wrappedValue: record.domain))
            case .contacts: Record(id: record.id, name: record.name, email: Nullable(wrappedValue: record.email), accountId: record.accountID)
            }
        }
        pairs = group.pairs.map { Pair(a: $0.a, b: $0.b, reasons: $0.reasons) }
    }
}
