import Foundation
import Testing

@testable import TenureJSON

/// `JSONWriter` writes what `JSONEncoder` writes with the API's settings (sorted keys, slashes unescaped), byte for
/// byte. Debug builds also check every API response against `JSONEncoder`; these cases cover what responses rarely hold.
@Suite struct JSONWriterTests {
    struct Everything: Encodable {
        struct Inner: Encodable {
            var zURLValue = "acronym"
            var userID: Int? = 7
            var _leading = true
            var trailing_ = false
        }

        var string = "q\"\\/\n\t\r\u{08}\u{0C}\u{01}\u{1F}\u{7F} é 😀 \u{2028} ' <tag>"
        var empty = ""
        var integers: [Int] = [0, -1, Int.max, Int.min]
        var smallIntegers: [Int8] = [-128, 127]
        var unsigned: [UInt64] = [UInt64.max]
        var doubles = [3.0, 0.1, 1e-7, 1_234_567.0, 1e21, 12.345678901234567, -0.0, 1e16, 123_456_789_012_345_680.0, 0.30000000000000004, 2.5e-5]
        var floats: [Float] = [0.1, 3]
        var flags = [true, false]
        var dates = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_700_000_000.25)]
        var missing: String?
        var present: String? = "here"
        var optionals: [Int?] = [1, nil]
        var byName: [String: Int] = ["camelCase": 1, "snake_case": 2, "a12": 3, "a2": 4, "B": 5, "é": 6]
        var byNumber: [Int: String] = [2: "two"]
        var nested = [[Inner()], []]
        var inner = Inner()
        var nothing = [Nothing()]
        var containers = Containers()
    }

    /// Encodes nothing: `{}`.
    struct Nothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    /// Nested containers filled after they were handed out, a super encoder and explicit nulls.
    struct Containers: Encodable {
        enum Key: String, CodingKey { case first, second, superValue, nullValue, twice }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            var first = container.nestedContainer(keyedBy: Key.self, forKey: .first)
            var list = container.nestedUnkeyedContainer(forKey: .second)
            try first.encode("late", forKey: .second)
            try list.encode(1)
            var deeper = list.nestedUnkeyedContainer()
            try deeper.encodeNil()
            try container.encodeNil(forKey: .nullValue)
            try container.encode("first value", forKey: .twice)
            try container.encode("last value", forKey: .twice)
            var superValue = container.superEncoder(forKey: .superValue).container(keyedBy: Key.self)
            try superValue.encode(true, forKey: .first)
        }
    }

    static let apiSettings: (JSONWriter, JSONEncoder) = {
        let format: @Sendable (Date) -> String = { ISO8601DateFormatter().string(from: $0) }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (JSONWriter(keys: .snakeCase, dates: .formatted(format)), encoder)
    }()

    @Test func writesWhatJSONEncoderWritesWithTheAPIsSettings() throws {
        let (writer, encoder) = Self.apiSettings
        let written = try writer.encode(Everything())
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: try encoder.encode(Everything()), as: UTF8.self))
        #expect(String(decoding: written, as: UTF8.self).contains(#""z_url_value":"acronym""#), "the case under test is really there")
    }

    /// `JSONEncoder`'s default settings leave members in its dictionary's order, which changes from run to run, and
    /// escape slashes: the same JSON, not the same bytes.
    @Test func writesTheJSONJSONEncoderWritesByDefault() throws {
        let written = try JSONWriter().encode(Everything())
        let parsed = try #require(JSONValue.parse(written))
        #expect(parsed == JSONValue.parse(Array(try JSONEncoder().encode(Everything()))))
    }

    @Test func aValuesCanonicalTextIsWhatJSONWriterWrites() throws {
        let text = #"{"z": [1, 2.5, "a\"b\n", null, true], "a": {"y": -3, "b": {}}, "m": "é ☃", "a": 1e3}"#
        let value = try #require(JSONValue.parse(Array(text.utf8)))
        #expect(value.canonicalText == String(decoding: try JSONWriter().encode(value), as: UTF8.self))
        #expect(value.canonicalText == #"{"a":1000,"m":"é ☃","z":[1,2.5,"a\"b\n",null,true]}"#)
    }

    @Test func topLevelScalarsAndEmptyValues() throws {
        let (writer, encoder) = Self.apiSettings
        #expect(try writer.encode("text") == Array(try encoder.encode("text")))
        #expect(try writer.encode(42) == Array(try encoder.encode(42)))
        #expect(try writer.encode([String]()) == Array("[]".utf8))
        #expect(try writer.encode([String: Int]()) == Array("{}".utf8))
        #expect(try writer.encode(Optional<Int>.none) == Array("null".utf8))
    }

    @Test func numbersJSONCannotHoldAreRefusedAsJSONEncoderRefusesThem() {
        for value in [Double.nan, .infinity, -.infinity] {
            #expect(throws: EncodingError.self) { try JSONWriter().encode([value]) }
            #expect(throws: EncodingError.self) { try JSONEncoder().encode([value]) }
        }
    }
}
