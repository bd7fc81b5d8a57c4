import Testing

@testable import TenureCore

@Suite struct RationalTests {
    @Test(arguments: [
        ("5000", Rational(5000)), ("0", Rational(0)), ("12.345", Rational(12_345, 1_000)), ("-0.5", Rational(-1, 2)), (".5", Rational(1, 2)),
        ("0.10", Rational(1, 10)), (" 7 \n", Rational(7)), ("-12", Rational(-12)), ("007.50", Rational(15, 2)),
        (String(repeating: "9", count: 30), Rational(Int128(String(repeating: "9", count: 30))!)),
    ])
    func aDecimalIsReadExactly(_ text: String, _ expected: Rational) {
        #expect(Rational(decimal: text) == expected, "\(text)")
    }

    @Test(arguments: [
        "", " ", "-", ".", "-.", "5.", "1e3", "1,5", "1.2.3", "--1", "+1", "0x10", "١٢", "½", "1 2", String(repeating: "9", count: 31),
    ])
    func anythingElseIsNotADecimal(_ text: String) {
        #expect(Rational(decimal: text) == nil, "\(text)")
    }
}
