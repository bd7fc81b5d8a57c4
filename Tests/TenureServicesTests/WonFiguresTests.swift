import Foundation
import TenureCore
import TenureDemo
import Testing

@testable import TenureServices

/// The summary keeps the won accounts' figures for each span between two of their change points (`WonFiguresMemo`):
/// what it gives at any instant must be what evaluating every account at that instant gives. Random accounts use every
/// kind of fact a change point comes from; instants just before, at and after each change point, three inside each span
/// and one before and after them all are asked in random order, so that each span's kept figures were made at another instant of it.
@Suite struct WonFiguresTests {
    @Test(arguments: [nil, 30] as [Int?])
    func theFiguresKeptForASpanAreThoseOfEveryInstantInIt(pastDueChurnDays: Int?) {
        var random = SplitMix64(seed: 2026 + UInt64(pastDueChurnDays ?? 0))
        let accounts = (0..<300).map { AccountFactsGenerator(index: $0).make(&random) }
        // Each account alone, where every span is long and each of its figures' changes shows; then all of them.
        var differences: [String] = []
        for group in accounts.map({ [$0] }) + [Array(accounts.prefix(60))] {
            let memo = WonFiguresMemo(group, pastDueChurnDays: pastDueChurnDays)
            let points = Set(group.flatMap { $0.changePoints(pastDueChurnDays: pastDueChurnDays) }).sorted()
            var instants = points.flatMap { [$0.addingTimeInterval(-0.001), $0, $0.addingTimeInterval(0.001)] }
            instants += [points[0].addingTimeInterval(-86_400), points[points.count - 1].addingTimeInterval(86_400)]
            instants += zip(points, points.dropFirst()).flatMap { from, to in
                [0.25, 0.5, 0.75].map { from.addingTimeInterval(to.timeIntervalSince(from) * $0) }
            }
            instants.shuffle(using: &random)
            for instant in instants where memo.figures(at: instant) != WonFigures(group, asOf: instant, pastDueChurnDays: pastDueChurnDays) {
                differences.append("\(group.count == 1 ? group[0].id : "all") at \(instant)")
            }
        }
        #expect(differences.isEmpty, "\(differences.count) instants: \(differences.prefix(5))")
        let figures = accounts.map { WonFigures([$0], asOf: $0.wonAt.addingTimeInterval(200 * 86_400), pastDueChurnDays: pastDueChurnDays) }
        #expect(figures.contains { $0.committedMRR.atRisk > 0 } && figures.contains { $0.committedMRR.committed > 0 }, "every figure is used")
        #expect(figures.contains { $0.atRiskAccounts > 0 } && figures.contains { $0.health[.red] == 1 }, "every figure is used")
    }
}

/// Random facts of one won account, between 2025 and 2027, at millisecond instants.
private struct AccountFactsGenerator {
    let index: Int
    static let start = Date(timeIntervalSince1970: 1_735_689_600)

    func make(_ random: inout SplitMix64) -> WonAccountFacts {
        func instant() -> Date { Self.start.addingTimeInterval(Double(random.next() % (800 * 86_400_000)) / 1000) }
        func maybe<T>(_ value: @autoclosure () -> T) -> T? { random.next() % 2 == 0 ? value() : nil }
        let wonAt = instant()
        var mrr = 0
        let movements = (0..<Int(random.next() % 5)).map { _ in instant() }.sorted().map { at in
            let from = mrr
            mrr = random.next() % 6 == 0 ? 0 : Int(random.next() % 50_000)
            return Movement(kind: mrr == 0 ? .churn : (from == 0 ? .new : .expansion), at: at, amount: mrr - from, from: from, to: mrr)
        }
        let contracts: [CommittedTerms] = (0..<Int(random.next() % 4)).map { _ in
            if random.next() % 2 == 0 {
                return .manual(
                    maybe(
                        ManualContract(
                            startDate: instant(),
                            endDate: maybe(instant()),
                            interval: BillingInterval.allCases.randomElement(using: &random)!,
                            recurringAmount: Int(random.next() % 100_000),
                            autoRenew: random.next() % 2 == 0,
                            cancelEffective: maybe(instant())
                        )
                    )
                )
            }
            return .stripe((0..<Int(1 + random.next() % 4)).map { _ in instant() }.sorted().map { at in snapshot(at: at, &random) })
        }
        let evaluations = (0..<Int(random.next() % 4)).map { _ in instant() }.sorted().map {
            BandEvaluation(evaluatedAt: $0, band: [HealthBand.green, .yellow, .red, nil].randomElement(using: &random)!)
        }
        let flags = (0..<Int(random.next() % 3)).map { number in
            let since = instant()
            return RiskFlag(
                id: "flag_\(index)_\(number)",
                accountID: "acct_\(index)",
                code: RiskFlagCode.allCases.randomElement(using: &random)!,
                since: since,
                closedAt: maybe(since.addingTimeInterval(Double(random.next() % 90) * 86_400))
            )
        }
        return WonAccountFacts(
            id: "acct_\(index)",
            wonAt: wonAt,
            paidAt: random.next() % 5 == 0 ? nil : wonAt.addingTimeInterval(Double(random.next() % 60) * 86_400),
            movements: movements,
            contracts: contracts,
            evaluations: evaluations,
            flags: flags
        )
    }

    private func snapshot(at effectiveAt: Date, _ random: inout SplitMix64) -> SubscriptionSnapshot {
        func discount() -> StripeDiscount {
            StripeDiscount(
                id: "di_\(random.next() % 1000)",
                duration: ["forever", "repeating", "once"].randomElement(using: &random)!,
                percentOff: random.next() % 2 == 0 ? Rational(Int(random.next() % 50)) : nil,
                amountOff: random.next() % 2 == 0 ? Int(random.next() % 2_000) : nil,
                end: random.next() % 3 == 0 ? nil : effectiveAt.addingTimeInterval(Double(random.next() % 400) * 86_400 - 30 * 86_400)
            )
        }
        let price = StripePrice(
            unitAmount: Rational(Int(1 + random.next() % 20_000)),
            interval: ["month", "year"].randomElement(using: &random)!,
            intervalCount: 1
        )
        return SubscriptionSnapshot(
            effectiveAt: effectiveAt,
            order: "\(random.next() % 1000)",
            status: ["active", "active", "past_due", "past_due", "canceled", "trialing"].randomElement(using: &random)!,
            items: [
                StripeSubscriptionItem(
                    id: "si",
                    price: price,
                    quantity: Int(1 + random.next() % 5),
                    discounts: random.next() % 2 == 0 ? [discount()] : []
                )
            ],
            discounts: random.next() % 2 == 0 ? [discount()] : [],
            cancelAtPeriodEnd: random.next() % 3 == 0,
            cancelAt: random.next() % 3 == 0 ? effectiveAt.addingTimeInterval(Double(random.next() % 500) * 86_400) : nil,
            currentPeriodEnd: effectiveAt.addingTimeInterval(Double(1 + random.next() % 400) * 86_400),
            deleted: random.next() % 6 == 0
        )
    }
}
