import Foundation
import TenureCore

/// Says what time brings (`EVENTS.md`, "Backfill"): a fact dated in the future when it was written — a cancellation's
/// stop, a contract's end, a case's first-response target passing unanswered — is emitted within a tick of its time, with
/// its own `occurred_at` and `source.kind` `clock`.
/// One tick at a time across nodes; each covers the time since the last one.
public struct EventClock: Sendable {
    let storage: any Storage
    let clock: Clock

    static let watermark = "events.clock_through"

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    public func tick() async throws {
        let now = clock.now()
        try await EventSource.$current.withValue(EventSource(.clock, id: nil)) {
            try await storage.write { tx in
                try await tx.lock(.once("event-clock"))
                let stored = try await tx.settings.value(Self.watermark).flatMap { Int64(String(decoding: $0, as: UTF8.self)) }
                let last = stored.map { Date(unixMilliseconds: $0) } ?? now
                guard now > last || stored == nil else { return }
                for accountID in try await tx.ledger.accounts(withMovementsAfter: last, through: now) {
                    try await tx.lock(.account(accountID))
                    let account = try await tx.accounts.find(id: accountID)
                    let movements = try await tx.ledger.movements(of: [accountID], asOf: .distantFuture)[accountID] ?? []
                    let ledger = LedgerState(wonAt: account?.wonAt, paidAt: account?.paidAt, movements: movements)
                    try await RevenueBook.emitDue(of: accountID, ledger: ledger, at: now, in: tx)
                    try await emitContractChanges(of: accountID, at: movements.map(\.at), after: last, through: now, in: tx)
                }
                // Targets that passed in (last, now]: cases opened one target's length before.
                let targets = try await HealthBook.targets(in: tx)
                for priority in CasePriority.allCases {
                    let hours = targets.hours(priority)
                    let length = hours * 3600
                    let breached = try await tx.cases.unanswered(
                        priority: priority,
                        openedAfter: last.addingTimeInterval(-length),
                        through: now.addingTimeInterval(-length),
                        within: hours
                    )
                    for item in breached {
                        let due = item.openedAt.addingTimeInterval(length)
                        tx.emit(NewEvent(.caseBreached, account: item.accountID, at: due, subject: EventSubject(.case, item.id)), now: now)
                    }
                }
                try await tx.settings.setValue(Self.watermark, Array(String(now.unixMilliseconds).utf8))
            }
        }
    }

    /// `contract.updated` for what time changed in the account's contracts in (`last`, `now`] — a stop passing, a
    /// discount ending, a past-due run turning to churn — at each of the account's MRR movements there, which is when
    /// such a change happens. What a write changed since `last` its own events said.
    private func emitContractChanges(
        of accountID: String,
        at movements: [Date],
        after last: Date,
        through now: Date,
        in tx: any Transaction
    )
        async throws
    {
        for contract in try await tx.contracts.of(account: accountID) where contract.updatedAt < now {
            let since = max(last, contract.updatedAt)
            var before = try await contractView(contract, asOf: since, in: tx)
            for instant in Set(movements.filter { $0 > since && $0 <= now }).sorted() {
                let after = try await contractView(contract, asOf: instant, in: tx)
                tx.emitContract(from: before, to: after, at: instant, now: now)
                before = after
            }
        }
    }
}
