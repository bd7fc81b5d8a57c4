import Foundation
import TenureCore
import TenureJSON

/// Where each write records the events of the catalogue (`EVENTS.md`) it causes: one function per kind of change,
/// called by every path that makes it (the API, CRM and Stripe webhooks, imports).
extension Transaction {
    func emitCreated(_ account: Account, now: Date) {
        emit(NewEvent(.accountCreated, account: account.id, at: now, subject: EventSubject(.account, account.id)), now: now)
    }

    /// `account.updated` with the writable fields that changed, as they were.
    func emitUpdate(of before: Account, to after: Account, now: Date) {
        let fields: [(String, JSONValue, JSONValue)] = [
            ("name", .string(before.name), .string(after.name)),
            ("domain", .optional(before.domain), .optional(after.domain)),
            ("segment", .optional(before.segment?.rawValue), .optional(after.segment?.rawValue)),
            ("industry", .optional(before.industry), .optional(after.industry)),
            ("employee_count", .optional(before.employeeCount), .optional(after.employeeCount)),
            ("owner", .optional(before.owner), .optional(after.owner)),
            ("external_id", .optional(before.externalID), .optional(after.externalID)),
            ("stripe_customer_id", .optional(before.stripeCustomerID), .optional(after.stripeCustomerID)),
            ("tags", .array(before.tags.map(JSONValue.string)), .array(after.tags.map(JSONValue.string))),
        ]
        guard let previous = Self.previous(fields) else { return }
        emit(NewEvent(.accountUpdated, account: after.id, at: now, subject: EventSubject(.account, after.id), previous: previous), now: now)
    }

    /// The fields whose values changed, as they were (an event's `previous`); nil when none did.
    private static func previous(_ fields: [(name: String, before: JSONValue, after: JSONValue)]) -> JSONValue? {
        let changed = fields.filter { $0.before != $0.after }
        return changed.isEmpty ? nil : .object(JSONObject(members: changed.map { ($0.name, $0.before) }))
    }

    func emitMerge(of source: Account, into target: Account, now: Date) {
        var event = NewEvent(.accountMerged, account: target.id, at: now, subject: EventSubject(.account, target.id))
        event.mergedAccountID = source.id
        emit(event, now: now)
    }

    func emitCreated(_ opportunity: Opportunity, now: Date) {
        let subject = EventSubject(.opportunity, opportunity.id)
        emit(NewEvent(.opportunityCreated, account: opportunity.accountID, at: opportunity.createdAt, subject: subject), now: now)
    }

    /// Records `change` on the deal and the stage events it causes: none for a repeat. `recorded`: the deal's stored
    /// changes, when the caller has them.
    func addStageChange(_ change: StageChange, to opportunity: Opportunity, recorded: [StageChange]? = nil, now: Date) async throws {
        var known = recorded ?? []
        if recorded == nil { known = try await opportunities.changes(of: [opportunity.id])[opportunity.id] ?? [] }
        try await opportunities.addChange(change, to: opportunity.id)
        // The history as the stored changes give it, the new one among them (`StageHistory` orders them itself).
        let (before, after) = (StageHistory(changes: known), StageHistory(changes: known + [change]))
        // A deal's first stage is its creation, which `opportunity.created` tells.
        if let stageBefore = before.asOf(now).stage, let stageAfter = after.asOf(now).stage {
            try await emitForecastChange(from: opportunity, to: opportunity, stages: (stageBefore, stageAfter), at: change.at, now: now)
        }
        for (type, transition) in StageEvents.between(before, after) {
            let previous = JSONValue.object(["stage": .optional(transition.from?.rawValue)])
            emit(
                NewEvent(
                    type,
                    account: opportunity.accountID,
                    at: transition.at,
                    subject: EventSubject(.opportunity, opportunity.id),
                    previous: previous
                ),
                now: now
            )
        }
    }

    /// `opportunity.forecast_changed` after a change of a deal's fields (never its stage); its stage is read only when
    /// the category a person set changed, the one field of these that can change its category.
    func emitForecastChange(from before: Opportunity, to after: Opportunity, now: Date) async throws {
        var stages: (before: PipelineStage, after: PipelineStage)?
        if before.forecastOverride != after.forecastOverride {
            let history = StageHistory(changes: try await opportunities.changes(of: [after.id])[after.id] ?? [])
            stages = history.asOf(now).stage.map { ($0, $0) }
        }
        try await emitForecastChange(from: before, to: after, stages: stages, at: now, now: now)
    }

    /// `opportunity.forecast_changed` when what the forecast reads of a deal (`INSIGHTS.md`, "Forecast") changes: its
    /// category now (from its stage before and after, when given), amount, close date or owner, with those that did as
    /// they were; `at`: when the change happened.
    func emitForecastChange(
        from before: Opportunity,
        to after: Opportunity,
        stages: (before: PipelineStage, after: PipelineStage)?,
        at: Date,
        now: Date
    ) async throws {
        var fields: [(name: String, before: JSONValue, after: JSONValue)] = [
            ("amount", .integer(Int64(before.amount)), .integer(Int64(after.amount))),
            ("close_date", .optional(before.closeDate), .optional(after.closeDate)),
            ("owner", .optional(before.owner), .optional(after.owner)),
        ]
        if let stages, stages.before != stages.after || before.forecastOverride != after.forecastOverride {
            let settings = try await pipelineSettings(in: self)
            func category(_ deal: Opportunity, _ stage: PipelineStage) -> JSONValue {
                let probability = settings.probability(stage)
                let thresholds = settings.forecastThresholds
                return .string(
                    ForecastCategory(stage: stage, probability: probability, override: deal.forecastOverride, thresholds: thresholds).rawValue
                )
            }
            fields.insert(("forecast_category", category(before, stages.before), category(after, stages.after)), at: 0)
        }
        guard let previous = Self.previous(fields) else { return }
        let subject = EventSubject(.opportunity, after.id)
        emit(NewEvent(.opportunityForecastChanged, account: after.accountID, at: at, subject: subject, previous: previous), now: now)
    }

    /// The events of a manual contract's write, its views taken at `now`.
    func emitContract(from before: Contract?, to after: Contract, now: Date) {
        let view = { (contract: Contract) in ContractView(contract, stream: nil, asOf: now, crmEndDate: nil) }
        emitContract(from: before.map(view), to: view(after), at: now, now: now)
    }

    /// `contract.created` for a new contract, `contract.canceled` when it gets a stop, `contract.updated` when its
    /// status, MRR, scheduled end or terms change, with those that did as they were; `at`: when the change happened.
    func emitContract(from before: ContractView?, to after: ContractView, at: Date, now: Date) {
        let subject = EventSubject(.contract, after.contract.id)
        let accountID = after.contract.accountID
        guard let before else {
            emit(NewEvent(.contractCreated, account: accountID, at: at, subject: subject), now: now)
            return
        }
        if !before.hasStop, after.hasStop {
            emit(NewEvent(.contractCanceled, account: accountID, at: at, subject: subject), now: now)
        }
        let changed = after.changes(since: before)
        guard !changed.isEmpty else { return }
        let previous = JSONValue.object(JSONObject(members: changed))
        emit(NewEvent(.contractUpdated, account: accountID, at: at, subject: subject, previous: previous), now: now)
    }

    /// `payment.succeeded` for a new paid payment, `payment.failed` for a failed one stored or changed,
    /// `payment.refunded` for a refund stored or grown.
    func emitPayment(from before: Payment?, to after: Payment, now: Date) {
        let subject = EventSubject(.payment, after.id)
        switch after.status {
        case .paid where before == nil:
            emit(NewEvent(.paymentSucceeded, account: after.accountID, at: after.at, subject: subject), now: now)
        case .failed where before != after:
            emit(NewEvent(.paymentFailed, account: after.accountID, at: after.at, subject: subject), now: now)
        case .refunded where before == nil || after.amount > (before?.amount ?? 0):
            let previous = before.map { JSONValue.object(["amount": .integer(Int64($0.amount))]) }
            emit(NewEvent(.paymentRefunded, account: after.accountID, at: after.at, subject: subject, previous: previous), now: now)
        default:
            break
        }
    }

    /// `health.band_changed`: `{account_id, date, score, band}`, with the band and score before.
    func emitBandChange(from previous: DailyHealth?, to stored: DailyHealth, asOf: Date) {
        let object: JSONValue = .object([
            "object": .string("health_band_change"),
            "account_id": .string(stored.accountID),
            "date": .string(Timestamp.formatDate(stored.day)),
            "score": .optional(stored.score),
            "band": .optional(stored.band?.rawValue),
        ])
        let before: JSONValue = .object(["band": .string(previous?.band?.rawValue ?? "unscored"), "score": .optional(previous?.score)])
        emit(NewEvent(.healthBandChanged, account: stored.accountID, at: asOf, object: object, previous: before), now: asOf)
    }

    /// The MRR and stage events of the account's ledger (`RevenueEvent`).
    func emit(_ events: [RevenueEvent], of accountID: String, now: Date) {
        for event in events {
            switch event {
            case .mrr(let movement, let booked):
                let object: JSONValue = .object([
                    "object": .string("mrr_movement"),
                    "account_id": .string(accountID),
                    "at": .string(Timestamp.format(movement.at)),
                    "kind": .string(movement.kind.rawValue),
                    "amount": .integer(Int64(movement.amount)),
                    "mrr_before": .integer(Int64(movement.from)),
                    "mrr_after": .integer(Int64(movement.to)),
                    "status": .string(booked ? "booked" : "reversed"),
                ])
                emit(NewEvent(.mrrChanged, account: accountID, at: movement.at, object: object), now: now)
            case .stage(let type, let at, let previous):
                let previous = JSONValue.object(["lifecycle_stage": .string(previous.rawValue)])
                emit(NewEvent(type, account: accountID, at: at, subject: EventSubject(.account, accountID), previous: previous), now: now)
            }
        }
    }
}

extension ContractView {
    /// What `contract.updated` says changed since `before`, each field as it was (as the contract's `GET` shows it):
    /// status, MRR, scheduled end, then a manual contract's terms. Compared as values first: most writes change one.
    func changes(since before: ContractView) -> [(String, JSONValue)] {
        let (old, new) = (before.contract, contract)
        let date = { (day: Date?) in JSONValue.optional(day.map(Timestamp.formatDate)) }
        var changed: [(String, JSONValue)] = []
        if before.status != status { changed.append(("status", .string(before.status))) }
        if before.mrr != mrr { changed.append(("mrr", .integer(Int64(before.mrr)))) }
        if before.scheduledEnd != scheduledEnd { changed.append(("scheduled_end", .optional(before.scheduledEnd.map(Timestamp.format)))) }
        if old.startDate != new.startDate { changed.append(("start_date", date(old.startDate))) }
        if old.endDate != new.endDate { changed.append(("end_date", date(old.endDate))) }
        if old.billingInterval != new.billingInterval { changed.append(("billing_interval", .optional(old.billingInterval?.rawValue))) }
        if old.recurringAmount != new.recurringAmount { changed.append(("recurring_amount", .optional(old.recurringAmount))) }
        if old.autoRenew != new.autoRenew { changed.append(("auto_renew", .bool(old.autoRenew))) }
        if old.cancelEffective != new.cancelEffective { changed.append(("cancel_effective_date", date(old.cancelEffective))) }
        return changed
    }
}

extension JSONValue {
    static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    static func optional(_ value: Int?) -> JSONValue { value.map { .integer(Int64($0)) } ?? .null }
}
