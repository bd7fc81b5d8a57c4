import Foundation

/// Parsing and formatting of the API's times: RFC 3339 instants (UTC out), `YYYY-MM-DD` dates.
/// Hand-written over the proleptic Gregorian calendar: exact, allocation-light and the same on every platform.
public enum Timestamp {
    /// An RFC 3339 instant with `Z` or an offset, with or without fractional seconds.
    public static func parseInstant(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 40, let midnight = parseDate(bytes[0..<10]),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
            let hour = number(bytes[11..<13]), bytes[13] == UInt8(ascii: ":"), let minute = number(bytes[14..<16]),
            bytes[16] == UInt8(ascii: ":"), let second = number(bytes[17..<19]), hour < 24, minute < 60, second < 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let digitsStart = index
            while index < bytes.count, let digit = digit(bytes[index]) {
                fraction += Double(digit) * scale
                scale /= 10
                index += 1
            }
            guard index > digitsStart else { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, let hours = number(bytes[(index + 1)..<(index + 3)]),
                bytes[index + 3] == UInt8(ascii: ":"), let minutes = number(bytes[(index + 4)..<(index + 6)]), hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        let seconds = midnight.timeIntervalSince1970 + Double(hour * 3600 + minute * 60 + second - offset)
        return Date(timeIntervalSince1970: seconds + (fraction * 1000).rounded() / 1000)
    }

    /// A calendar date `YYYY-MM-DD`, as 00:00:00Z of that day.
    public static func parseDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else { return nil }
        return parseDate(bytes[0..<10])
    }

    /// An instant, or a date meaning 00:00:00Z of that day.
    public static func parseInstantOrDate(_ text: String) -> Date? {
        parseInstant(text) ?? parseDate(text)
    }

    /// RFC 3339 in UTC, with milliseconds only when the instant has them.
    public static func format(_ date: Date) -> String {
        let millis = date.unixMilliseconds
        let (days, millisOfDay) = floorDivide(millis, 86_400_000)
        let seconds = Int(millisOfDay / 1000)
        let fraction = Int(millisOfDay % 1000)
        let clock = "T" + pad(seconds / 3600) + ":" + pad(seconds / 60 % 60) + ":" + pad(seconds % 60)
        return formatDay(days) + clock + (fraction == 0 ? "" : "." + pad(fraction, width: 3)) + "Z"
    }

    /// `YYYY-MM-DD` of the UTC day containing `date`.
    public static func formatDate(_ date: Date) -> String {
        formatDay(floorDivide(date.unixMilliseconds, 86_400_000).quotient)
    }

    private static func parseDate(_ bytes: ArraySlice<UInt8>) -> Date? {
        let base = bytes.startIndex
        guard let year = number(bytes[base..<(base + 4)]), bytes[base + 4] == UInt8(ascii: "-"),
            let month = number(bytes[(base + 5)..<(base + 7)]), bytes[base + 7] == UInt8(ascii: "-"),
            let day = number(bytes[(base + 8)..<(base + 10)]), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        return Date(timeIntervalSince1970: Double(daysFromCivil(year: year, month: month, day: day)) * 86_400)
    }

    private static func digit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard let digit = digit(byte) else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number (H. Hinnant's `civil_from_days`).
    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func formatDay(_ days: Int64) -> String {
        let (year, month, day) = civil(fromDays: Int(days))
        return pad(year, width: 4) + "-" + pad(month) + "-" + pad(day)
    }

    private static func pad(_ value: Int, width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = ((value % divisor) + divisor) % divisor
        return ((value - remainder) / divisor, remainder)
    }
}

/// Milliseconds since 1970, the unit instants are stored in.
extension Date {
    public var unixMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    public init(unixMilliseconds: Int64) { self.init(timeIntervalSince1970: Double(unixMilliseconds) / 1000) }
}

/// The instant a derived value is computed at (`?as_of=`).
public enum AsOf {
    /// `nil` means now; a date means its 00:00:00Z; a future instant is refused.
    public static func resolve(_ text: String?, now: Date, field: String = "as_of") throws -> Date {
        guard let text else { return now }
        guard let instant = Timestamp.parseInstantOrDate(text) else {
            throw ValidationError(field, "must be an RFC 3339 instant or a YYYY-MM-DD date")
        }
        guard instant <= now else { throw ValidationError(field, "must not be in the future") }
        return instant
    }
}

/// Checks a backfilled time of something that happened: parseable and not in the future.
public func pastInstant(_ text: String?, _ field: String, now: Date, validator: inout Validator) -> Date? {
    guard let text else { return nil }
    guard let instant = Timestamp.parseInstant(text) else {
        validator.add(field, "must be an RFC 3339 instant")
        return nil
    }
    if instant > now { validator.add(field, "must not be in the future") }
    return instant
}

extension Date {
    /// 00:00:00Z of this instant's UTC day.
    public var startOfUTCDay: Date { Date(timeIntervalSince1970: (timeIntervalSince1970 / 86_400).rounded(.down) * 86_400) }
}

extension Timestamp {
    /// Seconds since 1970 or, from 10¹¹ on (a date in 1973 as milliseconds, in 5138 as seconds), milliseconds.
    public static func unixSecondsOrMilliseconds(_ value: Int64) -> Date {
        value.magnitude >= 100_000_000_000 ? Date(unixMilliseconds: value) : Date(timeIntervalSince1970: Double(value))
    }

    /// A time as CRMs send one: RFC 3339, `YYYY-MM-DD HH:MM:SS` in UTC, or Unix seconds or milliseconds as digits.
    public static func parseCRMInstant(_ text: String) -> Date? {
        let trimmed = text.trimmingWhitespace()
        if let instant = parseInstant(trimmed) { return instant }
        if let number = Int64(trimmed), number > 0 { return unixSecondsOrMilliseconds(number) }
        var bytes = Array(trimmed.utf8)
        guard bytes.count == 19, bytes[10] == UInt8(ascii: " ") else { return nil }
        bytes[10] = UInt8(ascii: "T")
        return parseInstant(String(decoding: bytes, as: UTF8.self) + "Z")
    }
}
