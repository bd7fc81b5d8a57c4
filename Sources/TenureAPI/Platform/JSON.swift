import Foundation
import Hummingbird
import NIOCore
import TenureCore
import TenureJSON
import TenureServices

/// Tenure's JSON: snake_case keys, RFC 3339 instants, explicit `null`s.
enum JSON {
    static let writer = JSONWriter(keys: .snakeCase, dates: .formatted(Timestamp.format))

    /// What `JSONEncoder` writes with the same settings: debug builds check it for every response they write.
    static let reference: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Timestamp.format(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let bytes = try writer.encode(value)
        assert(bytes == Array((try? reference.encode(value)) ?? Data()), "JSONWriter wrote \(String(decoding: bytes, as: UTF8.self))")
        return bytes
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }()

    /// Decodes a request body; malformed JSON and wrong types are a 400 naming the field.
    static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        guard !bytes.isEmpty else { throw Problem.badRequest("The request body must be a JSON object.") }
        do {
            return try decoder.decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw problem(for: error)
        }
    }

    private static func problem(for error: DecodingError) -> any Error {
        switch error {
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return Problem.badRequest("The request body must be a JSON object.")
        case .typeMismatch(let expected, let context):
            return Problem.badRequest("must be \(describe(expected))", field: path(context.codingPath))
        case .valueNotFound(let expected, let context):
            return Problem.badRequest("must be \(describe(expected)), not null", field: path(context.codingPath))
        case .keyNotFound(let key, let context):
            return ValidationError(path(context.codingPath + [key]), "is required")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return Problem.badRequest("The request body is not valid JSON.")
        case .dataCorrupted(let context):
            return Problem.badRequest("has an invalid value", field: path(context.codingPath))
        @unknown default:
            return Problem.badRequest("The request body could not be read.")
        }
    }

    /// `activities[3].account_id` from a decoding path.
    static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("") { path, key in
            if let index = key.intValue { return path + "[\(index)]" }
            let name = JSONWriter.snakeCase(key.stringValue)
            return path.isEmpty ? name : path + "." + name
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is String?.Type: "a string"
        case is Int.Type, is Int?.Type, is Int64.Type: "an integer"
        case is Double.Type, is Double?.Type: "a number"
        case is Bool.Type, is Bool?.Type: "a boolean"
        default: "a value of another type"
        }
    }
}

/// Encodes `nil` as an explicit JSON `null` (plain optionals are left out by `JSONEncoder`).
@propertyWrapper
struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
    var wrappedValue: Value?

    init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value = wrappedValue { try container.encode(value) } else { try container.encodeNil() }
    }
}

/// A JSON response with a status and headers.
struct JSONResponse<Body: Encodable & Sendable>: ResponseGenerator {
    var status: HTTPResponse.Status = .ok
    var headers: HTTPFields = [:]
    var body: Body

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSON.encode(body))))
    }
}

/// `{"data": [...], "next_cursor": ...}`.
struct ListBody<Item: Encodable & Sendable>: Encodable, Sendable {
    var data: [Item]
    @Nullable var nextCursor: String?
}

extension JSONObject {
    /// Each member as text, or nil for a null where `allowingNull`; any other member is added to `validator` at
    /// `path.key` (settings and mappings that name things by text).
    func textMembers(at path: String, allowingNull: Bool, _ validator: inout Validator) -> [String: String?] {
        var members: [String: String?] = [:]
        for (key, value) in dictionary {
            switch value {
            case .string(let text): members[key] = .some(text)
            case .null where allowingNull: members[key] = .some(nil)
            default: validator.add("\(path).\(key)", allowingNull ? "must be a string or null" : "must be a string")
            }
        }
        return members
    }
}
