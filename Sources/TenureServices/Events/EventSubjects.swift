import Foundation
import TenureCore

/// The resource an event is about, as of an instant: what its `data.object` shows.
public enum SubjectValue: Sendable {
    case account(AccountView)
    case opportunity(OpportunityView)
    case contract(ContractView)
    case payment(Payment)
    case supportCase(SupportCase, SupportTargets, asOf: Date)
    case riskFlag(RiskView)
    case task(SuccessTask)
    case webhookEndpoint(WebhookEndpoint)
    case lead(LeadView)
}

extension EventLog {
    /// The subject as its `GET` answers `?as_of=asOf` (as shown in its list where it has no `GET`); nil when it is gone.
    public func subject(_ subject: EventSubject, asOf: Date) async throws -> SubjectValue? {
        try await storage.read { tx in
            switch subject.kind {
            case .account:
                return try await tx.accounts.find(id: subject.id).asyncFlatMap { .account(try await accountView($0, asOf: asOf, in: tx)) }
            case .opportunity:
                guard let opportunity = try await tx.opportunities.find(id: subject.id), opportunity.createdAt <= asOf else { return nil }
                return .opportunity(try await PipelineService.view(opportunity, asOf: asOf, in: tx))
            case .contract:
                return try await tx.contracts.find(id: subject.id).asyncFlatMap { .contract(try await contractView($0, asOf: asOf, in: tx)) }
            case .payment:
                return try await tx.payments.find(id: subject.id).map(SubjectValue.payment)
            case .case:
                guard let item = try await tx.cases.find(id: subject.id) else { return nil }
                return .supportCase(item, try await HealthBook.targets(in: tx), asOf: asOf)
            case .riskFlag:
                guard let flag = try await tx.health.flag(id: subject.id), let account = try await tx.accounts.find(id: flag.accountID) else {
                    return nil
                }
                return .riskFlag(RiskView(flag: flag, account: account))
            case .task:
                return try await tx.tasks.find(id: subject.id).map(SubjectValue.task)
            case .webhookEndpoint:
                return try await tx.webhookEndpoints.find(id: subject.id).map(SubjectValue.webhookEndpoint)
            case .lead:
                guard let lead = try await tx.leads.find(id: subject.id) else { return nil }
                return .lead(try await LeadBook.views([lead], asOf: asOf, in: tx)[0])
            }
        }
    }
}
