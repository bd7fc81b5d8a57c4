import Foundation
import Testing

@testable import TenureJSON

@Suite struct JSONParserTests {
    /// The reading `JSONValue` had before its own parser: through `JSONDecoder`, trying each type in turn.
    struct DecoderReading: Decodable {
        var value: JSONValue

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = .null
            } else if let bool = try? container.decode(Bool.self) {
                value = .bool(bool)
            } else if let integer = try? container.decode(Int64.self) {
                value = .integer(integer)
            } else if let number = try? container.decode(Double.self) {
                value = .number(number)
            } else if let string = try? container.decode(String.self) {
                value = .string(string)
            } else if let array = try? container.decode([DecoderReading].self) {
                value = .array(array.map(\.value))
            } else {
                value = .object(JSONObject(try container.decode([String: DecoderReading].self).mapValues(\.value)))
            }
        }
    }

    static let fixtures = ["charge", "coupon", "customer", "discount", "event", "invoice", "price", "refund", "subscription", "subscription_item"]

    @Test(arguments: fixtures) func everyPublishedStripeShapeReadsAsJSONDecoderReadsIt(_ name: String) throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/stripe/\(name).json")
        let bytes = Array(try Data(contentsOf: file))
        let parsed = try #require(JSONValue.parse(bytes))
        #expect(parsed == (try JSONDecoder().decode(DecoderReading.self, from: Data(bytes)).value))
        #expect(parsed.isObject)
    }

    @Test func scalarsEscapesAndWhitespace() {
        let numbers = #"[1, -0, 2.5, -1e3, 9223372036854775807, 9223372036854775808, true, false, null]"#
        let escapes = #""q\"b\\s\/n\nt\tu\u00e9\ud83d\ude00é""#
        let text = " {\"a\": \(numbers),\n\t\"s\": \(escapes), \"\": {}, \"e\": []}\r\n"
        #expect(
            JSONValue.parse(Array(text.utf8))
                == .object([
                    "a": .array([
                        .integer(1), .integer(0), .number(2.5), .number(-1000), .integer(.max), .number(9_223_372_036_854_775_808), .bool(true),
                        .bool(false), .null,
                    ]),
                    "s": .string("q\"b\\s/n\nt\tué😀é"),
                    "": .object([:]),
                    "e": .array([]),
                ])
        )
        #expect(JSONValue.parse(Array(#"{"k": 1, "k": 2}"#.utf8)) == .object(["k": .integer(2)]), "the last of repeated keys wins")
        #expect(JSONValue.parse(Array(#"{"k": 1, "j": 0, "k": 2}"#.utf8))?["k"] == .integer(2))
        #expect(JSONValue.parse(Array(#"{"b": 1, "a": [2]}"#.utf8)) == .object(["a": .array([.integer(2)]), "b": .integer(1)]), "in any order")
        #expect(JSONValue.parse(Array(#"{"a": 1}"#.utf8)) != .object(["a": .integer(1), "b": .null]))
        let limits = JSONValue.parse(Array("[-9223372036854775808, -9223372036854775809, 12345678901234567890, -12]".utf8))
        // Past Int64 a number is the Double nearest to it, as Double's own reading of the text gives.
        let nearest = ["-9223372036854775809", "12345678901234567890"].map { Double($0).map(JSONValue.number) ?? .null }
        #expect(limits == .array([.integer(.min)] + nearest + [.integer(-12)]))
    }

    @Test(arguments: [
        "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[1 2]", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul",
        "\"open", "\"\\x\"", "\"\\u12\"", "\"\\ud83d\"", "\"\\ude00\"", "\"tab\there\"", "1e400", "[1] x", "'a'", "NaN",
    ])
    func notJSONIsNil(_ text: String) {
        #expect(JSONValue.parse(Array(text.utf8)) == nil)
    }

    @Test func invalidUTF8AndDeepNestingAreNil() {
        #expect(JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) == nil)
        #expect(JSONValue.parse([0x22, 0xFF, 0x22]) == nil)
        #expect(JSONValue.parse(Array((String(repeating: "[", count: 256) + String(repeating: "]", count: 256)).utf8)) != nil)
        #expect(JSONValue.parse(Array((String(repeating: "[", count: 257) + String(repeating: "]", count: 257)).utf8)) == nil)
        #expect(JSONValue.parse(Array(String(repeating: "{\"a\":", count: 100_000).utf8)) == nil)
    }
}
