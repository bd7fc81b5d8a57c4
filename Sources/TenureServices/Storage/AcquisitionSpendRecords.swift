import Foundation
import TenureCore

public protocol AcquisitionSpendRecords {
    func insert(id: String, period: CalendarMonth, amount: Int, currency: String, channel: String?, at: Date) async throws
    /// Spend summed per month.
    func byMonth() async throws -> [CalendarMonth: Int]
}
