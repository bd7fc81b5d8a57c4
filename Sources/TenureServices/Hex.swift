extension Sequence<UInt8> {
    /// The bytes as lowercase hexadecimal digits (a digest's usual spelling). Written out: `String(format:)` per byte
    /// showed in the cost of every authenticated request.
    package var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
