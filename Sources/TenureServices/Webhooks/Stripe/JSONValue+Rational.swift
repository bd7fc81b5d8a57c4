import TenureCore
import TenureJSON

extension JSONValue {
    /// A number as an exact rational (a decimal string such as `unit_amount_decimal`, or an integer).
    public var rational: Rational? {
        switch self {
        case .string(let text): Rational(decimal: text)
        case .integer(let value): Rational(Int128(value))
        case .number(let value): Rational(decimal: String(value))
        default: nil
        }
    }
}
