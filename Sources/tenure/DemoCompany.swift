import Foundation
import TenureCore
import TenureServices

/// Builds the sample company: accounts with contacts (users and executives) and two years of activities.
struct DemoCompany {
    let storage: any Storage
    var random: SplitMix64
    let now: Date

    init(storage: any Storage, seed: UInt64, now: Date) {
        self.storage = storage
        self.random = SplitMix64(seed: seed)
        self.now = now
    }

    mutating func load(accounts count: Int) async throws -> String {
        let clock = Clock { [now] in now }
        let accounts = AccountService(storage: storage, clock: clock, currency: "usd")
        let contacts = ContactService(storage: storage, clock: clock)
        let activities = ActivityService(storage: storage, clock: clock)
        let actor = Actor(keyID: "demo", keyName: "demo")
        var contactCount = 0
        var activityCount = 0
        for index in 0..<count {
            let company = "\(pick(Self.prefixes)) \(pick(Self.suffixes))"
            let slug = company.lowercased().replacingOccurrences(of: " ", with: "")
            let segment = pick([Segment.smb, .smb, .midMarket, .enterprise])
            let fields = AccountFields(
                name: "\(company) \(index + 1)",
                domain: "\(slug)\(index + 1).example",
                segment: segment,
                industry: pick(Self.industries),
                employeeCount: Int(random.next(in: 10...5_000)),
                owner: pick(Self.owners),
                externalID: "crm-\(index + 1)"
            )
            let account = try await accounts.create(fields, by: actor).account
            var people: [Contact] = []
            for (title, strength) in [(pick(Self.userTitles), "strong"), (pick(Self.userTitles), "medium"), (pick(Self.executiveTitles), "strong")] {
                let first = pick(Self.firstNames)
                let input = ContactInput(
                    accountID: account.id,
                    name: "\(first) \(pick(Self.lastNames))",
                    email: "\(first.lowercased()).\(people.count)@\(fields.domain ?? "")",
                    title: title,
                    role: nil,
                    relationshipStrength: strength,
                    externalID: nil
                )
                people.append(try await contacts.create(input, by: actor).contact)
            }
            contactCount += people.count
            let touches = (0..<Int(random.next(in: 5...30))).map { _ in
                let contact = pick(people)
                let occurredAt = now.addingTimeInterval(-Double(random.next(in: 3_600...(730 * 86_400))))
                return ActivityInput(
                    accountID: account.id,
                    type: pick(["email", "call", "meeting", "note"]),
                    occurredAt: Timestamp.format(occurredAt),
                    contactID: contact.id,
                    opportunityID: nil,
                    direction: pick(["inbound", "outbound"]),
                    subject: pick(Self.subjects)
                )
            }
            activityCount += try await activities.createBatch(touches, by: actor).count
        }
        return "Demo company loaded: \(count) accounts, \(contactCount) contacts, \(activityCount) activities."
    }

    private mutating func pick<T>(_ values: [T]) -> T { values[Int(random.next(in: 0...UInt64(values.count - 1)))] }

    static let prefixes = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Hooli", "Vandelay", "Wonka"]
    static let suffixes = ["Corp", "Labs", "Systems", "Industries", "Analytics", "Logistics", "Health", "Foods", "Energy", "Media"]
    static let industries = ["Manufacturing", "Software", "Healthcare", "Retail", "Logistics", "Finance", "Education", "Media"]
    static let owners = ["dana@seller.example", "sam@seller.example", "lee@seller.example", "ana@seller.example"]
    static let userTitles = ["Software Engineer", "Operations Analyst", "Product Manager", "Account Specialist", "Data Analyst", "Team Lead"]
    static let executiveTitles = ["VP of Engineering", "Chief Operating Officer", "Head of Customer Success", "Director of IT", "CFO"]
    static let firstNames = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger"]
    static let lastNames = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie", "Allen", "Dijkstra"]
    static let subjects = ["Kickoff", "Quarterly review", "Renewal check-in", "Onboarding", "Feature request", "Pricing question", "Training"]
}

/// A small, fast, seedable generator (Steele, Lea and Flood's SplitMix64) so the demo is the same for a seed.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(in range: ClosedRange<UInt64>) -> UInt64 {
        range.lowerBound + next() % (range.upperBound - range.lowerBound + 1)
    }
}
