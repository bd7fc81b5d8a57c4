import Foundation
import TenureCore

public protocol AcquisitionSpendRecords {
    func insert(id: String, period: CalendarMonth, amount: Int, currency: String, channel: String?, at: Date) async throws
    /// Spend summed per month.
    func byMonth() async throws -> [CalendarMonth: Int]
    /// Spend summed per channel (trimmed, lower-cased; nil: none) and month.
    func byChannel() async throws -> [(channel: String?, month: CalendarMonth, amount: Int)]
}
