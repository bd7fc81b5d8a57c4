/// ISO 4217 minor-unit exponents: how many decimals a currency's major unit has. Most have 2.
public enum CurrencyExponent {
    static let zero: Set<String> = [
        "bif", "clp", "djf", "gnf", "isk", "jpy", "kmf", "krw", "pyg", "rwf", "ugx", "uyi", "vnd", "vuv", "xaf", "xof", "xpf",
    ]
    static let three: Set<String> = ["bhd", "iqd", "jod", "kwd", "lyd", "omr", "tnd"]
    static let four: Set<String> = ["clf", "uyw"]

    /// The exponent of a lowercase ISO 4217 code.
    public static func of(_ currency: String) -> Int {
        if zero.contains(currency) { return 0 }
        if three.contains(currency) { return 3 }
        if four.contains(currency) { return 4 }
        return 2
    }
}

extension Rational {
    /// An amount in major units (`18250.5` dollars) as whole minor units of `currency` (cents), halves away from zero.
    public func minorUnits(of currency: String) -> Int? {
        let scale = Rational((0..<CurrencyExponent.of(currency)).reduce(Int128(1)) { power, _ in power * 10 })
        let scaled = self * scale
        guard scaled.numerator.magnitude / scaled.denominator.magnitude < UInt128(Int.max / 2) else { return nil }
        return scaled.roundedHalfAwayFromZero()
    }
}
