import Foundation
import Hummingbird
import TenureJSON
import TenureServices

/// What a handler is given: the request, what the middleware read of it, who is calling and when.
struct Call: Sendable {
    let request: Request
    let context: AppRequestContext
    let now: Date

    /// The calling key; `Actor.system` on an open route.
    var actor: Actor { context.actor ?? .system }
    var body: [UInt8] { context.body }
    var query: Query { Query(request: request, now: now) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSON.decode(type, from: body) }

    /// The body as a JSON object, for what is read field by field (settings, segments) to name every problem by its path.
    func jsonObject() throws -> JSONValue {
        guard let value = JSONValue.parse(body), value.isObject else { throw Problem.badRequest("The body must be a JSON object.") }
        return value
    }

    func parameter(_ name: String) throws -> String {
        try context.parameters.require(name)
    }

    /// An entry of the access log for a read this call makes; none for a page of a CSV export (the export is one).
    func access(_ action: String, _ resource: String, id: String? = nil, count: Int = 1) -> AccessEntry? {
        guard !context.exporting else { return nil }
        return AccessEntry(at: now, keyName: actor.keyName, action: action, resource: resource, resourceID: id, count: count)
    }
}

extension AccessLogService {
    /// Records `entry` when there is one (`Call.access`).
    func record(_ entry: AccessEntry?) async throws {
        if let entry { try await record(entry) }
    }
}
