import Foundation
import TenureCore

/// Reads what the scorecard needs of one account at an instant, and keeps flags and playbook tasks in step with the
/// evaluations that are stored.
enum HealthBook {
    static let settingsName = "health"
    static let supportSettingsName = "support"
    static let playbooksName = "playbooks"

    static func settings(in tx: any Transaction) async throws -> HealthSettings { try await tx.settings.decoded(settingsName, defaults: .defaults) }

    static func playbooks(in tx: any Transaction) async throws -> Playbooks { try await tx.settings.decoded(playbooksName, defaults: Playbooks()) }

    static func targets(in tx: any Transaction) async throws -> SupportTargets {
        try await tx.settings.decoded(supportSettingsName, defaults: .defaults)
    }

    /// The account's health inputs at `asOf`: usage of the 60 days before (the adoption window and the one before it),
    /// relationships, cases, surveys of the last 180 days, billing and the renewal date.
    static func inputs(of account: Account, asOf: Date, in tx: any Transaction) async throws -> HealthInputs {
        let day = 86_400.0
        let contracts = try await contractViews(try await tx.contracts.of(account: account.id), asOf: asOf, in: tx)
        let live = contracts.filter(\.isLive)
        let payments = try await tx.payments.of(account: account.id).map { (status: $0.status, at: $0.at) }
        let contacts = try await tx.contacts.of(account: account.id)
        return HealthInputs(
            segment: account.segment,
            usage: try await tx.usage.of(account: account.id, from: asOf.addingTimeInterval(-60 * day), to: asOf),
            contacts: contacts.map { (role: $0.role, strength: $0.relationshipStrength) },
            lastUserContact: try await tx.contacts.lastContact(account: account.id, role: .user, asOf: asOf),
            lastExecutiveContact: try await tx.contacts.lastContact(account: account.id, role: .executive, asOf: asOf),
            cases: try await tx.cases.of(account: account.id, openedBy: asOf).map { $0.facts(asOf: asOf) },
            surveys: try await tx.surveys.of(account: account.id, after: asOf.addingTimeInterval(-180 * day), upTo: asOf).map(\.response),
            billing: BillingFacts(
                liveContractStatuses: live.map(\.status),
                hasScheduledEnd: live.contains { $0.scheduledEnd != nil },
                unresolvedFailedPayment: BillingFacts.hasUnresolvedFailure(payments, asOf: asOf)
            ),
            renewalDate: contracts.compactMap(\.renewalDate).min(),
            executiveContactIDs: Set(contacts.filter { $0.role == .executive }.map(\.id))
        )
    }

    static func evaluate(
        _ account: Account,
        asOf: Date,
        settings: HealthSettings,
        targets: SupportTargets,
        in tx: any Transaction
    ) async throws
        -> HealthEvaluation
    {
        HealthEvaluation(try await inputs(of: account, asOf: asOf, in: tx), asOf: asOf, settings: settings, targets: targets)
    }

    /// What one evaluation changed.
    struct Changes {
        var flagsRaised = 0
        var flagsClosed = 0
        var tasksCreated = 0
    }

    /// Stores the day's evaluation; unless the account was already evaluated on a later day, opens the flags it raises
    /// (with its playbook's task, if that is enabled and none is open) and closes those it no longer raises.
    /// A nil evaluation (not a customer at `asOf`) stores nothing and closes every open flag.
    static func record(
        _ evaluation: HealthEvaluation?,
        of account: Account,
        asOf: Date,
        playbooks: Playbooks,
        in tx: any Transaction
    ) async throws -> Changes {
        let day = asOf.startOfUTCDay
        let latestDay = try await tx.health.latestDay(account: account.id)
        let previous = try await latestDay.asyncFlatMap { try await tx.health.on(day: $0, account: account.id) }
        let stored = evaluation.map { DailyHealth(accountID: account.id, $0, asOf: asOf) }
        if let stored { try await tx.health.store(stored) }
        guard latestDay.map({ $0 <= day }) ?? true else { return Changes() }
        if let stored, stored.band != previous?.band { tx.emitBandChange(from: previous, to: stored, asOf: asOf) }
        var changes = Changes()
        let raised = evaluation?.flags ?? []
        let open = try await tx.health.openFlags(account: account.id)
        for flag in open where !raised.contains(flag.code) {
            try await tx.health.closeFlag(id: flag.id, at: max(asOf, flag.since))
            let type: EventType = flag.code.kind == .growth ? .growthSignalClosed : .riskFlagClosed
            tx.emit(NewEvent(type, account: account.id, at: asOf, subject: EventSubject(.riskFlag, flag.id)), now: asOf)
            changes.flagsClosed += 1
        }
        for code in raised where !open.contains(where: { $0.code == code }) {
            let flag = RiskFlag(id: Identifier.make("flg", at: asOf), accountID: account.id, code: code, since: asOf, closedAt: nil)
            try await tx.health.insertFlag(flag)
            let type: EventType = code.kind == .growth ? .growthSignalOpened : .riskFlagOpened
            tx.emit(NewEvent(type, account: account.id, at: asOf, subject: EventSubject(.riskFlag, flag.id)), now: asOf)
            changes.flagsRaised += 1
            let playbook = playbooks.effective(code)
            if playbook.enabled, try await tx.tasks.open(account: account.id, playbook: code) == nil {
                let task = playbook.task(for: flag, accountOwner: account.owner, id: Identifier.make("tsk", at: asOf))
                try await tx.tasks.insert(task)
                tx.emit(NewEvent(.taskCreated, account: account.id, at: asOf, subject: EventSubject(.task, task.id)), now: asOf)
                changes.tasksCreated += 1
            }
        }
        return changes
    }
}
