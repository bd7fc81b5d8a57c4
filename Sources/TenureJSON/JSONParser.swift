/// A strict JSON reader straight from the body's bytes into `JSONValue`: Stripe events are read on the writer's
/// path, and decoding an unknown shape through `Decodable` tries each type in turn, paying for a thrown error at
/// almost every one of an event's hundreds of values.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    private static let maxDepth = 256

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// One value with nothing but whitespace around it.
    mutating func document() -> JSONValue? {
        guard let value = value() else { return nil }
        skipWhitespace()
        return index == bytes.count ? value : nil
    }

    private mutating func value() -> JSONValue? {
        skipWhitespace()
        guard let byte = peek() else { return nil }
        switch byte {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func object() -> JSONValue? {
        guard enter() else { return nil }
        defer { depth -= 1 }
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(JSONObject(members: members)) }
        repeat {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\""), let key = string() else { return nil }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")), let value = value() else { return nil }
            members.append((key, value))
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}")) ? .object(JSONObject(members: members)) : nil
    }

    private mutating func array() -> JSONValue? {
        guard enter() else { return nil }
        defer { depth -= 1 }
        var values: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(values) }
        repeat {
            guard let value = value() else { return nil }
            values.append(value)
            skipWhitespace()
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "]")) ? .array(values) : nil
    }

    /// Steps past the opening bracket, unless that would nest too deep.
    private mutating func enter() -> Bool {
        depth += 1
        index += 1
        return depth <= Self.maxDepth
    }

    private mutating func string() -> String? {
        index += 1
        var start = index
        var unescaped: [UInt8] = []
        var ascii = true
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                let text = decodeUTF8(unescaped, start, ascii: ascii)
                index += 1
                return text
            case UInt8(ascii: "\\"):
                unescaped.append(contentsOf: bytes[start..<index])
                index += 1
                guard let escaped = escape() else { return nil }
                unescaped.append(contentsOf: escaped)
                start = index
            case 0..<0x20:
                return nil
            default:
                ascii = ascii && byte < 0x80
                index += 1
            }
        }
        return nil
    }

    /// ASCII needs no validating (and `String(validating:)` was a noticeable part of parsing an event); other text must be UTF-8.
    private func decodeUTF8(_ unescaped: [UInt8], _ start: Int, ascii: Bool) -> String? {
        let tail = UnsafeBufferPointer(rebasing: bytes[start..<index])
        guard !unescaped.isEmpty else { return ascii ? String(decoding: tail, as: UTF8.self) : String(validating: tail, as: UTF8.self) }
        return String(validating: unescaped + tail, as: UTF8.self)
    }

    /// The bytes of the escape after a backslash.
    private mutating func escape() -> [UInt8]? {
        guard let byte = peek() else { return nil }
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return [byte]
        case UInt8(ascii: "b"): return [0x08]
        case UInt8(ascii: "f"): return [0x0C]
        case UInt8(ascii: "n"): return [0x0A]
        case UInt8(ascii: "r"): return [0x0D]
        case UInt8(ascii: "t"): return [0x09]
        case UInt8(ascii: "u"):
            guard let unit = hex4() else { return nil }
            var scalar = UInt32(unit)
            if (0xD800..<0xDC00).contains(unit) {
                guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")), let low = hex4(), (0xDC00..<0xE000).contains(low) else {
                    return nil
                }
                scalar = 0x10000 + (UInt32(unit) - 0xD800) << 10 + (UInt32(low) - 0xDC00)
            }
            guard let character = Unicode.Scalar(scalar) else { return nil }
            return Array(String(character).utf8)
        default: return nil
        }
    }

    private mutating func hex4() -> UInt16? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let digit = bytes[index].hexDigitValue else { return nil }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`: an integer when it has neither fraction nor exponent and fits
    /// in 64 bits, else a double.
    private mutating func number() -> JSONValue? {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        if !consume(UInt8(ascii: "0")) {
            guard digits() else { return nil }
        }
        var integral = true
        if consume(UInt8(ascii: ".")) {
            integral = false
            guard digits() else { return nil }
        }
        if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
            integral = false
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard digits() else { return nil }
        }
        if integral, let value = integer(bytes[start..<index]) { return .integer(value) }
        return Double(String(decoding: bytes[start..<index], as: UTF8.self)).flatMap { $0.isFinite ? .number($0) : nil }
    }

    /// `-?[0-9]+` as an `Int64`, or nil when it does not fit.
    private func integer(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> Int64? {
        let negative = text.first == UInt8(ascii: "-")
        var value: Int64 = 0
        for digit in text.dropFirst(negative ? 1 : 0) {
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowedAgain) = shifted.addingReportingOverflow(negative ? -Int64(digit &- 48) : Int64(digit &- 48))
            guard !overflowed, !overflowedAgain else { return nil }
            value = next
        }
        return value
    }

    /// One or more decimal digits.
    private mutating func digits() -> Bool {
        let start = index
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        return index > start
    }

    private mutating func literal(_ word: String, _ value: JSONValue) -> JSONValue? {
        for byte in word.utf8 {
            guard consume(byte) else { return nil }
        }
        return value
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }
}
