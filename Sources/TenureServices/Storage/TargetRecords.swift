import Foundation
import TenureCore

public protocol TargetRecords {
    /// Stores `target`, replacing the one of its period and owner.
    func upsert(_ target: ForecastTarget, at now: Date) async throws
    func delete(period: CalendarMonth, owner: String?) async throws
    /// The targets of the months `from`…`to` (each end open when nil), of `owner` when given (`.some(nil)`: the
    /// company's), by period, the company's first, then by owner.
    func list(from: CalendarMonth?, to: CalendarMonth?, owner: String??) async throws -> [ForecastTarget]
}
