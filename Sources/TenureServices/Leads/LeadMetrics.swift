import Foundation
import TenureCore

/// `GET /v1/metrics/lead-scoring`: for each rule, how the leads it fired for were won against the others.
public struct ScoringLift: Sendable {
    public struct Rule: Sendable {
        public var key: String
        public var kind: FiredRule.Kind
        public var points: Int
        public var firedLeads = 0
        public var firedWon = 0
        public var otherLeads = 0
        public var otherWon = 0

        public var firedWinRate: Double? { ratio(firedWon, firedLeads) }
        public var otherWinRate: Double? { ratio(otherWon, otherLeads) }
        public var lift: Double? {
            guard let fired = firedWinRate, let other = otherWinRate, other > 0 else { return nil }
            return fired / other
        }
    }

    public var leads: Int
    public var won: Int
    public var winRate: Double? { ratio(won, leads) }
    public var rules: [Rule]
}

extension LeadService {
    /// The funnel of the leads created in [from, to) and ≤ as_of, followed to as_of (`LEADS.md`, "Marketing metrics").
    public func funnel(from: Date, to: Date, asOf: Date, groupBy: FunnelGrouping) async throws -> (rows: [FunnelRow], total: FunnelRow) {
        try await storage.read { tx in
            let cohort = try await Self.cohort(from: from, to: to, asOf: asOf, in: tx)
            var spend: [String?: Int] = [:]
            for item in try await tx.acquisitionSpend.byChannel() where item.month.start >= from && item.month.start < to && item.month.start <= asOf
            {
                spend[item.channel, default: 0] += item.amount
            }
            return marketingFunnel(try await Self.followed(cohort, asOf: asOf, in: tx), spendByChannel: spend, groupBy: groupBy)
        }
    }

    /// Which rules precede won deals: a rule fired for a lead if it fired at some instant of [created_at, end], end its
    /// conversion if ≤ as_of, else as_of; a lead is won when its conversion's deal is `closed_won` at as_of.
    public func scoringLift(from: Date, to: Date, asOf: Date) async throws -> ScoringLift {
        try await storage.read { tx in
            let cohort = try await Self.cohort(from: from, to: to, asOf: asOf, in: tx)
            let settings = try await LeadBook.scoringSettings(in: tx)
            let events = try await tx.engagement.scored(leads: cohort.map(\.id))
            let won = Set(try await Self.followed(cohort, asOf: asOf, in: tx).filter { $0.wonAmount != nil }.map(\.lead.id))
            var rules =
                settings.fitRules.map { ScoringLift.Rule(key: $0.key, kind: .fit, points: $0.points) }
                + settings.behaviorRules.map { ScoringLift.Rule(key: $0.key, kind: .behavior, points: $0.points) }
            for lead in cohort {
                let end = lead.convertedAt.flatMap { $0 <= asOf ? $0 : nil } ?? asOf
                let fired = settings.firedKeys(lead, events: events[lead.id] ?? [], upTo: end)
                let isWon = won.contains(lead.id) ? 1 : 0
                for index in rules.indices {
                    if fired.contains(rules[index].key) {
                        rules[index].firedLeads += 1
                        rules[index].firedWon += isWon
                    } else {
                        rules[index].otherLeads += 1
                        rules[index].otherWon += isWon
                    }
                }
            }
            return ScoringLift(leads: cohort.count, won: won.count, rules: rules)
        }
    }

    static func cohort(from: Date, to: Date, asOf: Date, in tx: any Transaction) async throws -> [Lead] {
        var filter = LeadFilter()
        filter.createdFrom = from
        filter.createdBefore = to
        filter.createdUpTo = asOf
        return try await tx.leads.all(filter).map(\.lead)
    }

    /// Each lead followed to `asOf`: when it became an MQL, whether it converted with a deal, the deal won, the customer.
    static func followed(_ cohort: [Lead], asOf: Date, in tx: any Transaction) async throws -> [FunnelLead] {
        let views = try await LeadBook.views(cohort, asOf: asOf, in: tx)
        let converted = cohort.filter { ($0.convertedAt ?? .distantFuture) <= asOf }
        var won: [String: Int] = [:]
        for lead in converted {
            guard let id = lead.opportunityID, let opportunity = try await tx.opportunities.find(id: id) else { continue }
            let view = try await PipelineService.view(opportunity, asOf: asOf, in: tx)
            if view.state.stage == .closedWon { won[lead.id] = opportunity.amount }
        }
        let accounts = try await tx.accounts.find(ids: Array(Set(converted.compactMap(\.accountID))))
        let customerSince = Dictionary(
            try await accountViews(Array(accounts.values), asOf: asOf, in: tx).compactMap { view in view.customerSince.map { (view.account.id, $0) } }
        ) { first, _ in first }
        return views.map { view in
            let lead = view.lead
            let convertedAt = lead.convertedAt.flatMap { $0 <= asOf ? $0 : nil }
            let mqlAt = [view.score.mqlAt, lead.qualifiedAt, convertedAt].compactMap { $0 }.filter { $0 <= asOf }.min()
            let since =
                won[lead.id] == nil
                ? nil
                : lead.accountID.flatMap { customerSince[$0] }.flatMap { since in
                    convertedAt.flatMap { since >= $0 && since <= asOf ? since : nil }
                }
            return FunnelLead(
                lead: lead,
                mqlAt: mqlAt,
                sql: convertedAt != nil && lead.opportunityID != nil,
                wonAmount: won[lead.id],
                customerSince: since
            )
        }
    }
}
