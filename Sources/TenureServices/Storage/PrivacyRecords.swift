import Foundation
import TenureCore
import TenureJSON

/// Where a person's data lies beyond their contacts and consents — free text that mentions them, stored webhook
/// payloads, the event log, kept idempotent responses — and what erasure changes there (`PRIVACY.md`).
/// `email` is lowercase; "mentioning" compares lowercased text.
public protocol PrivacyRecords {
    /// Linked to one of `contactIDs`, oldest first (read through an index).
    func activities(linkedTo contactIDs: [String]) async throws -> [Activity]
    func surveys(linkedTo contactIDs: [String]) async throws -> [Survey]
    func cases(linkedTo contactIDs: [String]) async throws -> [SupportCase]
    /// Those after `sequence` (insertion order) whose subject or comment mentions `email`, oldest first: every row is
    /// read, so a long scan runs in a read transaction and a write looks only at what came since.
    func activities(mentioning email: String, after sequence: Int64) async throws -> [Activity]
    func surveys(mentioning email: String, after sequence: Int64) async throws -> [Survey]
    func cases(mentioning email: String, after sequence: Int64) async throws -> [SupportCase]
    /// Stored deliveries after `sequence` whose payload mentions `email`, oldest first.
    func webhookEvents(mentioning email: String, after sequence: Int64) async throws -> [WebhookEvent]
    /// Events of `accounts` whose rendering mentions `email`, and those about one of `subjects`, oldest first.
    func events(ofAccounts accounts: [String], mentioning email: String, orAbout subjects: [EventSubject]) async throws -> [Event]
    /// Audit entries about any of `ids`, oldest first.
    func auditEntries(about ids: [String]) async throws -> [AuditEntry]

    /// Sets the free text of these records to `text` where they have any.
    func redactText(activities: [String], surveys: [String], cases: [String], with text: String) async throws
    /// Replaces a payload retention has not purged.
    func replacePayload(ofWebhookEvent id: String, with payload: [UInt8]) async throws
    func replaceRendering(ofEvent id: String, object: RawJSON?, previous: RawJSON?, mergedAccount: RawJSON?) async throws
    /// The contacts' consents lose their email and their source's detail (`detail`); records of `email` alone are
    /// deleted. How many records there were.
    func eraseConsents(ofContacts contactIDs: [String], email: String, detail: String) async throws -> Int
    /// The leads with `email` lose their name, email and title (set to `marker`), `erased_at` set; their follow-up tasks'
    /// titles (which name them) become `marker`. The leads' ids.
    func eraseLeads(email: String, marker: String, at now: Date) async throws -> [String]
    /// Drops kept idempotent responses whose body mentions any of `needles`; how many.
    func dropIdempotentResponses(mentioning needles: [String]) async throws -> Int

    // Retention: each call works through one window of rows by insertion order, so that other writes go on between.

    /// The insertion sequence of the newest row of `table` (0 when empty): where a retention run stops, where an
    /// erasure's write looks from.
    func lastSequence(of table: PersonalTable) async throws -> Int64
    /// Deletes the rows of `table` in (`after`, `through`] of insertion order whose time is before `cutoff`; how many.
    func deleteExpired(_ table: PersonalTable, before cutoff: Date, after: Int64, through: Int64) async throws -> Int
    /// Empties the payloads of processed and ignored deliveries in the window received or occurred before `cutoff`,
    /// saying when; how many.
    func purgePayloads(before cutoff: Date, after: Int64, through: Int64, at now: Date) async throws -> Int
    /// Deletes up to `limit` leads' records (an email on consents of no contact) whose latest record is before `cutoff`;
    /// how many records.
    func deleteLeadConsents(latestBefore cutoff: Date, limit: Int) async throws -> Int
    /// Deletes up to `limit` leads not converted whose latest record (a change, an engagement event) is before
    /// `cutoff`, with their engagement, assignments and follow-up tasks; how many leads.
    func deleteExpiredLeads(latestBefore cutoff: Date, limit: Int) async throws -> Int
}

/// The tables that hold people's data in rows read by insertion order: what erasure scans and retention deletes from.
public enum PersonalTable: String, Sendable {
    case activities, surveys, cases
    case auditLog = "audit_log"
    case accessLog = "access_log"
    case webhookEvents = "webhook_events"
}
