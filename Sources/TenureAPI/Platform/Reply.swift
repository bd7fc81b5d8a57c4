import HTTPTypes
import Hummingbird
import NIOCore

/// A finished response as bytes, so it can be stored for an idempotent replay.
struct Reply: ResponseGenerator, Sendable {
    var status: HTTPResponse.Status
    var headers: [String: String] = [:]
    var body: [UInt8]

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, location: String? = nil) throws -> Reply {
        Reply(status: status, headers: location.map { ["Location": $0] } ?? [:], body: try JSON.encode(value))
    }

    static func text(_ text: String, contentType: String) -> Reply {
        Reply(status: .ok, headers: ["Content-Type": contentType], body: Array(text.utf8))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers { if let name = HTTPField.Name(name) { fields[name] = value } }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
