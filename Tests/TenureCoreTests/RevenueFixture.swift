import Foundation
import TenureCore
import Testing

/// A stream with given MRR steps, for tests of the ledger.
struct Steps: RevenueStream {
    let steps: [(Date, Int)]
    var changePoints: [Date] { steps.map(\.0) }
    func mrr(at instant: Date) -> Int { steps.last { $0.0 <= instant }?.1 ?? 0 }
}

func date(_ text: String) -> Date { Timestamp.parseInstantOrDate(text)! }
