import Foundation

/// Opaque, server-generated identifiers: a type prefix and 20 base-32 characters, the first 9 the milliseconds since
/// 1970 and the other 11 random (55 bits). Ids made later sort later, so each new row's id lands at the end of its
/// table's unique index instead of on a random page of it, which a write would otherwise copy to the WAL whole.
public enum Identifier {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz".utf8)

    public static func make(_ prefix: String, at instant: Date) -> String {
        let milliseconds = UInt64(max(0, instant.timeIntervalSince1970 * 1000))
        var generator = SystemRandomNumberGenerator()
        let random: UInt64 = generator.next()
        var text = Array(prefix.utf8)
        text.reserveCapacity(text.count + 21)
        text.append(UInt8(ascii: "_"))
        for index in 0..<9 { text.append(alphabet[Int(milliseconds >> (5 * UInt64(8 - index)) & 31)]) }
        for index in 0..<11 { text.append(alphabet[Int(random >> (5 * UInt64(index)) & 31)]) }
        return String(decoding: text, as: UTF8.self)
    }
}
