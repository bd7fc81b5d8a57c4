import Foundation

/// A calendar month in UTC (`YYYY-MM`), the unit of revenue periods.
public struct CalendarMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init(year: Int, month: Int) {
        let index = year * 12 + (month - 1)
        self.year = Int((Double(index) / 12).rounded(.down))
        self.month = index - self.year * 12 + 1
    }

    /// The month containing `date`.
    public init(containing date: Date) {
        let (year, month, _) = Timestamp.civil(fromDays: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
        self.init(year: year, month: month)
    }

    /// `YYYY-MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard text.count == 7, parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month) else { return nil }
        self.init(year: year, month: month)
    }

    /// 00:00Z of the month's first day.
    public var start: Date { Date(timeIntervalSince1970: Double(Timestamp.daysFromCivil(year: year, month: month, day: 1)) * 86_400) }

    public func adding(_ months: Int) -> CalendarMonth { CalendarMonth(year: year, month: month + months) }

    public var quarter: Int { (month - 1) / 3 + 1 }

    public var description: String { String(format: "%04d-%02d", year, month) }

    public static func < (lhs: CalendarMonth, rhs: CalendarMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}

extension Date {
    /// The same time of day `months` calendar months later, on the same day or the month's last day when shorter.
    public func addingMonths(_ months: Int) -> Date {
        let days = Int((timeIntervalSince1970 / 86_400).rounded(.down))
        let timeOfDay = timeIntervalSince1970 - Double(days) * 86_400
        let (year, month, day) = Timestamp.civil(fromDays: days)
        let target = CalendarMonth(year: year, month: month + months)
        let next = target.adding(1)
        let length =
            Timestamp.daysFromCivil(year: next.year, month: next.month, day: 1)
            - Timestamp.daysFromCivil(year: target.year, month: target.month, day: 1)
        let clamped = min(day, length)
        return Date(timeIntervalSince1970: Double(Timestamp.daysFromCivil(year: target.year, month: target.month, day: clamped)) * 86_400 + timeOfDay)
    }

    /// Whole calendar months from `self` to `later` (counting a month when the day of month is reached).
    public func wholeMonths(to later: Date) -> Int {
        var count = 0
        while addingMonths(count + 1) <= later { count += 1 }
        return count
    }
}
