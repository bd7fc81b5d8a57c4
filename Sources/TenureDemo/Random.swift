import Foundation

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64) so the demo is the same for a seed (and so
/// are tests' random data).
package struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) < p * 1_000_000 }

    mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }

    /// A duration of `range` days, to the minute.
    mutating func days(_ range: ClosedRange<Int>) -> TimeInterval { Double(int(range.lowerBound * 1_440...range.upperBound * 1_440)) * 60 }
}

/// The words the demo's names are made of.
enum Names {
    static let prefixes = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Hooli", "Vandelay", "Wonka"]
    static let suffixes = ["Corp", "Labs", "Systems", "Industries", "Analytics", "Logistics", "Health", "Foods", "Energy", "Media"]
    static let industries = ["Manufacturing", "Software", "Healthcare", "Retail", "Logistics", "Finance", "Education", "Media"]
    static let owners = ["dana@seller.example", "sam@seller.example", "lee@seller.example", "ana@seller.example"]
    static let userTitles = ["Software Engineer", "Operations Analyst", "Product Manager", "Account Specialist", "Data Analyst", "Team Lead"]
    static let executiveTitles = ["VP of Engineering", "Chief Operating Officer", "Head of Customer Success", "Director of IT", "CFO"]
    static let firstNames = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger"]
    static let lastNames = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra"]
    static let lostReasons = ["price", "timing", "competitor", "no budget", "no decision"]
    static let subjects = ["Kickoff", "Quarterly review", "Renewal check-in", "Onboarding", "Feature request", "Pricing question", "Training"]
    static let caseSubjects = ["Cannot log in", "Export is slow", "Invoice question", "SSO setup", "API returns 500", "Add seats", "Report is wrong"]
    static let channels = ["paid search", "events", "outbound"]
}
