import Foundation
import TenureCSV
import TenureCore

/// What to do with a row that matches a stored record (`INTEGRATIONS.md`, CSV import).
public enum DuplicatePolicy: String, CaseIterable, Sendable {
    case error, skip, update
}

public struct ImportRequest: Sendable {
    public var object: ImportObject
    public var csv: [UInt8]
    public var dryRun = false
    public var onDuplicate = DuplicatePolicy.error
    /// Header → field (nil drops the column), over the saved mapping's.
    public var columns: [String: String?] = [:]
    /// A saved mapping's name (`/v1/settings/import-mappings`).
    public var mapping: String?
    public var delimiter: UInt8?

    public init(object: ImportObject, csv: [UInt8]) {
        self.object = object
        self.csv = csv
    }
}

/// What an import did, or would do (`dry_run`).
public struct ImportReport: Sendable {
    public var object: ImportObject
    public var dryRun: Bool
    public var rows = 0
    public var created = 0
    public var updated = 0
    public var skipped = 0
    /// Header → field, in the file's order.
    public var columns: [(header: String, field: String)] = []
    public var ignoredColumns: [String] = []
    public var errors: [ImportError] = []

    public var valid: Bool { errors.isEmpty }
}

/// An import with errors, stored nothing (422 with the report's errors).
public struct ImportRejected: Error, Sendable {
    public let report: ImportReport
}

/// Brings rows of a CSV in as accounts, contacts, opportunities or activities, each checked as the JSON API checks it
/// (the services' own rules, in one transaction): all of them, or — with any error — none.
public struct ImportService: Sendable {
    let storage: any Storage
    let clock: Clock
    let currency: String
    let accounts: AccountService
    let contacts: ContactService
    let pipeline: PipelineService
    let activities: ActivityService

    /// The report of a dry run, thrown to roll its transaction back.
    private struct DryRunDone: Error {
        let report: ImportReport
    }

    public func run(_ request: ImportRequest, by actor: Actor) async throws -> ImportReport {
        var mapping = try await savedMapping(request.mapping, for: request.object)
        mapping.merge(request.columns) { _, given in given }
        let table = try ImportTable(csv: request.csv, object: request.object, mapping: mapping, delimiter: request.delimiter)
        let now = clock.now()
        do {
            return try await storage.write { tx in
                var run = ImportRun(service: self, request: request, now: now, tx: tx)
                let report = try await run.apply(table)
                if !report.valid { throw ImportRejected(report: report) }
                if request.dryRun { throw DryRunDone(report: report) }
                try await tx.audit(actor, "import.\(request.object.rawValue)", "import", nil, at: now)
                return report
            }
        } catch let done as DryRunDone {
            return done.report
        } catch let rejected as ImportRejected where request.dryRun {
            return rejected.report
        }
    }

    private func savedMapping(_ name: String?, for object: ImportObject) async throws -> [String: String?] {
        guard let name else { return [:] }
        let saved = try await storage.read { tx in try await ImportMappings.load(in: tx) }
        guard let mapping = saved.mappings[name] else { throw ValidationError("mapping", "no saved mapping is named \(name)") }
        guard mapping.object == object else { throw ValidationError("mapping", "\(name) maps \(mapping.object.rawValue), not \(object.rawValue)") }
        return mapping.columns
    }
}

/// One import inside its transaction: the rows in order, each in a savepoint (a failed row leaves nothing), with the
/// repeats within the file and the matches in the database found as it goes.
struct ImportRun {
    let service: ImportService
    let request: ImportRequest
    let now: Date
    let tx: any Transaction
    var report: ImportReport
    /// The first row of each identifying value (`external_id:…`).
    var seen: [String: Int] = [:]
    var accountIDs: [String: String?] = [:]

    init(service: ImportService, request: ImportRequest, now: Date, tx: any Transaction) {
        self.service = service
        self.request = request
        self.now = now
        self.tx = tx
        report = ImportReport(object: request.object, dryRun: request.dryRun)
    }

    mutating func apply(_ table: ImportTable) async throws -> ImportReport {
        report.columns = table.columns
        report.ignoredColumns = table.ignoredColumns
        report.rows = table.rows.count
        report.errors = table.errors
        guard table.errors.isEmpty else { return report }
        if request.object == .activities {
            try await importActivities(table.rows)
            return report
        }
        for row in table.rows {
            do {
                try await tx.nested { try await importRow(row) }
            } catch {
                try record(error, of: row)
            }
        }
        return report
    }

    /// Adds what a row's failure says to the report's errors; a failure of anything but the row is thrown on.
    private mutating func record(_ error: any Error, of row: ImportRow) throws {
        switch error {
        case let error as ValidationError: report.errors += row.errors(error)
        case let error as RowFailure: report.errors.append(error.error)
        case ServiceError.conflict(let detail, _): report.errors.append(row.error(nil, detail))
        case ServiceError.notFound(let resource, let id): report.errors.append(row.error(nil, "no \(resource) has the id \(id)"))
        default: throw error
        }
    }

    /// A problem of one row, where `ValidationError` does not say enough.
    struct RowFailure: Error {
        let error: ImportError
    }

    private mutating func importRow(_ row: ImportRow) async throws {
        switch request.object {
        case .accounts: try await importAccount(row)
        case .contacts: try await importContact(row)
        case .opportunities: try await importOpportunity(row)
        case .activities: break
        }
    }

    // MARK: Duplicates

    /// Marks the row's identifying values as seen: a value seen on an earlier row is an error under every policy.
    private mutating func checkRepeats(_ row: ImportRow, _ keys: [(field: String, value: String?)]) throws {
        for (field, value) in keys {
            guard let value else { continue }
            if let first = seen["\(field):\(value)"] { throw RowFailure(error: row.error(field, "repeats row \(first)")) }
        }
        for (field, value) in keys { if let value { seen["\(field):\(value)"] = row.number } }
    }

    /// The one stored record the row matches, if any: two are an error under every policy.
    private func match(_ row: ImportRow, _ found: [String?], noun: String) throws -> String? {
        let matches = Array(Set(found.compactMap { $0 })).sorted()
        guard matches.count <= 1 else {
            throw RowFailure(error: row.error(nil, "matches two \(noun)s: \(matches.joined(separator: " and "))"))
        }
        return matches.first
    }

    /// Whether to go on with `match`: `error` reports it, `skip` counts it, `update` returns true.
    private mutating func shouldUpdate(_ row: ImportRow, _ match: String, noun: String) throws -> Bool {
        switch request.onDuplicate {
        case .error: throw RowFailure(error: row.error(nil, "duplicates \(noun) \(match) (on_duplicate=skip or update to accept it)"))
        case .skip:
            report.skipped += 1
            return false
        case .update: return true
        }
    }

    private static func set(_ text: String?) -> FieldUpdate<String> { text.map { .set($0) } ?? .keep }

    /// The integer in `field`; one that is no integer is added to `problems`, so the row's other errors are found too.
    private func integer(_ row: ImportRow, _ field: String, _ problems: inout Validator) -> Int? {
        guard let text = row[field] else { return nil }
        guard let value = Int(text) else {
            problems.add(field, "must be an integer")
            return nil
        }
        return value
    }

    /// `body`'s result, with `problems` found before it reported together with its own.
    private func checked<T>(_ problems: Validator, _ body: () throws -> T) throws -> T {
        do {
            let result = try body()
            try problems.check()
            return result
        } catch let error as ValidationError {
            throw ValidationError(problems.errors + error.errors)
        }
    }

    // MARK: Accounts

    private mutating func importAccount(_ row: ImportRow) async throws {
        let domain = row["domain"].flatMap(DomainName.normalize)
        try checkRepeats(row, [("id", row["id"]), ("external_id", row["external_id"]), ("domain", domain)])
        let found = [
            try await row["id"].asyncFlatMap { try await tx.accounts.find(id: $0)?.id },
            try await row["external_id"].asyncFlatMap { try await tx.accounts.find(externalID: $0)?.id },
            try await domain.asyncFlatMap { try await tx.accounts.find(domain: $0)?.id },
        ]
        var problems = Validator()
        let employees = integer(row, "employee_count", &problems)
        if let match = try self.match(row, found, noun: "account") {
            guard try shouldUpdate(row, match, noun: "account") else { return }
            var changes = AccountChanges()
            changes.name = Self.set(row["name"])
            changes.domain = Self.set(row["domain"])
            changes.segment = Self.set(row["segment"])
            changes.industry = Self.set(row["industry"])
            changes.employeeCount = employees.map { .set($0) } ?? .keep
            changes.owner = Self.set(row["owner"])
            changes.externalID = Self.set(row["external_id"])
            changes.stripeCustomerID = Self.set(row["stripe_customer_id"])
            try problems.check()
            _ = try await service.accounts.update(match, changes, at: now, in: tx)
            report.updated += 1
            return
        }
        let fields = try checked(problems) {
            try AccountFields.validated(
                name: row["name"],
                domain: row["domain"],
                segment: row["segment"],
                industry: row["industry"],
                employeeCount: employees,
                owner: row["owner"],
                externalID: row["external_id"],
                stripeCustomerID: row["stripe_customer_id"]
            )
        }
        _ = try await service.accounts.insert(fields, at: now, in: tx)
        report.created += 1
    }

    /// The row's account, by `account_id`, `account_external_id` or `account_domain` (the first given).
    private mutating func account(of row: ImportRow, required: Bool) async throws -> String? {
        for field in ImportObject.accountReferences {
            guard let value = row[field] else { continue }
            let key = "\(field):\(value)"
            if accountIDs[key] == nil {
                let account: Account? =
                    switch field {
                    case "account_id": try await tx.accounts.find(id: value)
                    case "account_external_id": try await tx.accounts.find(externalID: value)
                    default: try await DomainName.normalize(value).asyncFlatMap { try await tx.accounts.find(domain: $0) }
                    }
                accountIDs[key] = .some(account.flatMap { $0.mergedInto == nil ? $0.id : $0.mergedInto })
            }
            guard let id = accountIDs[key] ?? nil else {
                throw RowFailure(error: row.error(field, "no account has this \(field.replacingOccurrences(of: "account_", with: ""))"))
            }
            return id
        }
        if required { throw ValidationError("account_id", "account_id, account_external_id or account_domain is required") }
        return nil
    }

    // MARK: Contacts

    private mutating func importContact(_ row: ImportRow) async throws {
        let account = try await account(of: row, required: row["id"] == nil)
        let email = row["email"].flatMap(EmailAddress.normalize)
        try checkRepeats(
            row,
            [("id", row["id"]), ("external_id", row["external_id"]), ("email", account.flatMap { id in email.map { "\(id):\($0)" } })]
        )
        let found = [
            try await row["id"].asyncFlatMap { try await tx.contacts.find(id: $0)?.id },
            try await row["external_id"].asyncFlatMap { try await tx.contacts.find(externalID: $0)?.id },
            try await account.asyncFlatMap { id in try await email.asyncFlatMap { try await tx.contacts.find(accountID: id, email: $0)?.id } },
        ]
        if let match = try self.match(row, found, noun: "contact") {
            guard try shouldUpdate(row, match, noun: "contact") else { return }
            var changes = ContactChanges()
            changes.name = Self.set(row["name"])
            changes.email = Self.set(row["email"])
            changes.title = Self.set(row["title"])
            changes.role = Self.set(row["role"])
            changes.relationshipStrength = Self.set(row["relationship_strength"])
            changes.externalID = Self.set(row["external_id"])
            _ = try await service.contacts.update(match, changes, at: now, in: tx)
            report.updated += 1
            return
        }
        let contact = try service.contacts.validated(
            ContactInput(
                accountID: account,
                name: row["name"],
                email: row["email"],
                title: row["title"],
                role: row["role"],
                relationshipStrength: row["relationship_strength"],
                externalID: row["external_id"]
            ),
            at: now
        )
        try await service.contacts.insert(contact, in: tx)
        report.created += 1
    }

    // MARK: Opportunities

    private mutating func importOpportunity(_ row: ImportRow) async throws {
        try checkRepeats(row, [("id", row["id"]), ("external_id", row["external_id"])])
        let found = [
            try await row["id"].asyncFlatMap { try await tx.opportunities.find(id: $0)?.id },
            try await row["external_id"].asyncFlatMap { try await tx.opportunities.find(externalID: $0)?.id },
        ]
        var problems = Validator()
        let amount = self.amount(row, &problems)
        if let match = try self.match(row, found, noun: "opportunity") {
            guard try shouldUpdate(row, match, noun: "opportunity") else { return }
            var changes = OpportunityChanges()
            changes.name = Self.set(row["name"])
            changes.amount = amount.map { .set($0) } ?? .keep
            changes.closeDate = Self.set(row["close_date"])
            changes.owner = Self.set(row["owner"])
            changes.type = Self.set(row["type"])
            changes.stage = Self.set(row["stage"])
            try problems.check()
            _ = try await service.pipeline.update(match, changes, at: now, in: tx)
            report.updated += 1
            return
        }
        let account = try await account(of: row, required: true)
        let (opportunity, first) = try checked(problems) {
            try service.pipeline.validated(
                OpportunityInput(
                    accountID: account,
                    name: row["name"],
                    amount: amount,
                    currency: row["currency"]?.lowercased() ?? service.currency,
                    stage: row["stage"],
                    closeDate: row["close_date"],
                    owner: row["owner"],
                    type: row["type"],
                    externalID: row["external_id"],
                    createdAt: row["created_at"],
                    lostReason: row["lost_reason"]
                ),
                at: now
            )
        }
        try await service.pipeline.insert(opportunity, startingWith: first, in: tx)
        report.created += 1
    }

    /// `amount` in minor units, or `amount_decimal` in major units of the row's currency.
    private func amount(_ row: ImportRow, _ problems: inout Validator) -> Int? {
        if row["amount"] != nil, row["amount_decimal"] != nil { problems.add("amount_decimal", "give amount or amount_decimal, not both") }
        if let minor = integer(row, "amount", &problems) { return minor }
        guard let text = row["amount_decimal"] else { return nil }
        guard let major = Rational(decimal: text), let minor = major.minorUnits(of: row["currency"]?.lowercased() ?? service.currency) else {
            problems.add("amount_decimal", "must be an amount in major units, such as 18250.50")
            return nil
        }
        return minor
    }

    // MARK: Activities

    /// Activities are checked row by row, then stored together in large inserts (the `/batch` path); one stored is
    /// never changed, so `update` cannot apply to them.
    private mutating func importActivities(_ rows: [ImportRow]) async throws {
        var knownAccounts: Set<String> = []
        var valid: [Activity] = []
        for row in rows {
            do {
                try checkRepeats(row, [("id", row["id"])])
                if let id = row["id"], try await tx.activities.exists(id: id) {
                    guard request.onDuplicate != .update else {
                        throw RowFailure(error: row.error("id", "an activity is never changed; use on_duplicate=skip"))
                    }
                    guard try shouldUpdate(row, id, noun: "activity") else { continue }
                }
                let account = try await account(of: row, required: true)
                var contactID = row["contact_id"]
                if contactID == nil, let email = row["contact_email"], let account {
                    guard let normalized = EmailAddress.normalize(email),
                        let contact = try await tx.contacts.find(accountID: account, email: normalized)
                    else { throw RowFailure(error: row.error("contact_email", "no contact of the account has this email")) }
                    contactID = contact.id
                }
                var opportunityID = row["opportunity_id"]
                if opportunityID == nil, let externalID = row["opportunity_external_id"] {
                    guard let opportunity = try await tx.opportunities.find(externalID: externalID) else {
                        throw RowFailure(error: row.error("opportunity_external_id", "no opportunity has this external_id"))
                    }
                    opportunityID = opportunity.id
                }
                let activity = try service.activities.validated(
                    ActivityInput(
                        accountID: account,
                        type: row["type"],
                        occurredAt: row["occurred_at"],
                        contactID: contactID,
                        opportunityID: opportunityID,
                        direction: row["direction"],
                        subject: row["subject"]
                    ),
                    now: now
                )
                try await service.activities.checkReferences(activity, knownAccounts: &knownAccounts, in: tx)
                valid.append(activity)
            } catch {
                try record(error, of: row)
            }
        }
        guard report.valid else { return }
        report.created = valid.count
        guard !request.dryRun else { return }
        for chunk in valid.chunks(of: 1_000) { try await tx.activities.insert(chunk) }
    }
}
