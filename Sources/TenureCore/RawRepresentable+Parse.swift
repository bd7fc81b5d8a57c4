extension RawRepresentable where RawValue == String, Self: CaseIterable {
    /// Parses a raw value, or records "must be one of …" for `field`.
    public static func parse(_ text: String?, _ field: String, _ validator: inout Validator) -> Self? {
        guard let text else { return nil }
        if let value = Self(rawValue: text) { return value }
        validator.add(field, "must be one of " + allCases.map(\.rawValue).joined(separator: ", "))
        return nil
    }
}
