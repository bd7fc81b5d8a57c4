/// An exact fraction, so money is computed without rounding until the one rounding at the end (`WEBHOOKS.md`).
public struct Rational: Sendable, Equatable, Comparable, CustomStringConvertible, Codable {
    public let numerator: Int128
    public let denominator: Int128

    public init(_ numerator: Int128, _ denominator: Int128 = 1) {
        precondition(denominator != 0, "a rational needs a non-zero denominator")
        let divisor = Rational.gcd(numerator.magnitude, denominator.magnitude)
        let sign: Int128 = denominator < 0 ? -1 : 1
        self.numerator = sign * numerator / Int128(divisor)
        self.denominator = sign * denominator / Int128(divisor)
    }

    public init(_ value: Int) { self.init(Int128(value)) }

    /// A decimal string such as `"2000"`, `"12.5"` or `"-0.0003"`; nil when it is not one.
    public init?(decimal text: String) {
        // On the bytes: Character-by-Character parsing was most of the time of reading a Stripe price.
        let trimmed = text.trimmingWhitespace().utf8
        let negative = trimmed.first == UInt8(ascii: "-")
        let digits = trimmed.dropFirst(negative ? 1 : 0)
        let dot = digits.firstIndex(of: UInt8(ascii: "."))
        let whole = digits[..<(dot ?? digits.endIndex)]
        let fraction = dot.map { digits[digits.index(after: $0)...] } ?? digits[digits.endIndex...]
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        guard whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit), !whole.isEmpty || dot != nil, dot == nil || !fraction.isEmpty,
            digits.count <= 30
        else { return nil }
        var value: Int128 = 0
        var scale: Int128 = 1
        for byte in whole { value = value * 10 + Int128(byte - UInt8(ascii: "0")) }
        for byte in fraction {
            value = value * 10 + Int128(byte - UInt8(ascii: "0"))
            scale *= 10
        }
        self.init(negative ? -value : value, scale)
    }

    public static let zero = Rational(0)

    public static func + (lhs: Rational, rhs: Rational) -> Rational {
        Rational(lhs.numerator * rhs.denominator + rhs.numerator * lhs.denominator, lhs.denominator * rhs.denominator)
    }

    public static func - (lhs: Rational, rhs: Rational) -> Rational { lhs + Rational(-rhs.numerator, rhs.denominator) }

    public static func * (lhs: Rational, rhs: Rational) -> Rational {
        Rational(lhs.numerator * rhs.numerator, lhs.denominator * rhs.denominator)
    }

    public static func / (lhs: Rational, rhs: Rational) -> Rational {
        Rational(lhs.numerator * rhs.denominator, lhs.denominator * rhs.numerator)
    }

    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        lhs.numerator * rhs.denominator < rhs.numerator * lhs.denominator
    }

    /// The nearest `Double`.
    public var doubleValue: Double { Double(numerator) / Double(denominator) }

    /// The nearest integer, halves away from zero.
    public func roundedHalfAwayFromZero() -> Int {
        let twice = 2 * numerator.magnitude + denominator.magnitude
        let rounded = Int128(twice / (2 * denominator.magnitude))
        return Int(numerator < 0 ? -rounded : rounded)
    }

    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    /// Its `description`, `"n"` or `"n/d"`; nil when the text is not one.
    public init?(description text: String) {
        let parts = text.split(separator: "/")
        guard (1...2).contains(parts.count), let numerator = Int128(parts[0]), let denominator = parts.count == 2 ? Int128(parts[1]) : 1,
            denominator != 0
        else { return nil }
        self.init(numerator, denominator)
    }

    /// Encoded as its description, `"n"` or `"n/d"`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Rational(description: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a rational: \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a == 0 ? 1 : a
    }
}
