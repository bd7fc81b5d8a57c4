import Foundation
import TenureCore
import Testing

/// A stream with given MRR steps, for tests of the ledger.
struct Steps: RevenueStream {
    let steps: [(Date, Int)]
    /// The reason it gives wherever it stops.
    var reason: ChurnReason? = nil
    var changePoints: [Date] { steps.map(\.0) }
    func mrr(at instant: Date) -> Int { steps.last { $0.0 <= instant }?.1 ?? 0 }
    func stopReason(at instant: Date) -> ChurnReason? { reason }
}

func date(_ text: String) -> Date { Timestamp.parseInstantOrDate(text)! }
