import Foundation

/// The catalogue of events (`EVENTS.md`), in the order of its table: a transaction's events of one account are recorded
/// in this order, then by `occurred_at`.
public enum EventType: String, CaseIterable, Sendable, Codable {
    case accountCreated = "account.created"
    case accountUpdated = "account.updated"
    case accountMerged = "account.merged"
    case opportunityCreated = "opportunity.created"
    case opportunityStageChanged = "opportunity.stage_changed"
    case opportunityClosedWon = "opportunity.closed_won"
    case opportunityClosedLost = "opportunity.closed_lost"
    case opportunityForecastChanged = "opportunity.forecast_changed"
    case contractCreated = "contract.created"
    case contractUpdated = "contract.updated"
    case contractCanceled = "contract.canceled"
    case paymentSucceeded = "payment.succeeded"
    case paymentFailed = "payment.failed"
    case paymentRefunded = "payment.refunded"
    case mrrChanged = "mrr.changed"
    case accountBecameCustomer = "account.became_customer"
    case accountReactivated = "account.reactivated"
    case accountChurned = "account.churned"
    case caseOpened = "case.opened"
    case caseBreached = "case.breached"
    case healthBandChanged = "health.band_changed"
    case riskFlagOpened = "risk_flag.opened"
    case riskFlagClosed = "risk_flag.closed"
    case growthSignalOpened = "growth_signal.opened"
    case growthSignalClosed = "growth_signal.closed"
    case taskCreated = "task.created"
    case leadCreated = "lead.created"
    case leadQualified = "lead.qualified"
    case leadDisqualified = "lead.disqualified"
    case leadConverted = "lead.converted"
    case webhookEndpointDisabled = "webhook_endpoint.disabled"

    /// The row of the catalogue's table.
    public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// What caused an event (`source.kind`).
public enum EventSourceKind: String, CaseIterable, Sendable, Codable {
    case api, webhook, evaluation, clock, automation, delivery
}
