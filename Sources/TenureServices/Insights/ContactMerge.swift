import Foundation
import TenureCore

/// `POST /v1/contacts/{id}/merge`: which contact to merge in, and whether only to say what would happen.
public struct ContactMergeInput: Decodable, Sendable {
    public var sourceId: String?
    public var dryRun: Bool?
}

/// What a merge did, or would do (`dry_run`).
public struct ContactMerge: Sendable {
    public var dryRun: Bool
    public var contact: ContactView
    public var sourceID: String
    public var moved: MergedRecords
}

extension ContactService {
    /// Merges contact `sourceId` into `id` (`INSIGHTS.md`, "Contact merge"): one account's, neither a tombstone. The
    /// source's activities, surveys, consents and cases move over, the target takes the fields it lacks, and the source
    /// becomes a tombstone. A dry run reads the same and stores nothing, not even an audit entry.
    public func merge(_ id: String, _ input: ContactMergeInput, by actor: Actor) async throws -> ContactMerge {
        guard let sourceID = input.sourceId, !sourceID.isEmpty else { throw ValidationError("source_id", "is required") }
        guard sourceID != id else { throw ValidationError("source_id", "must be another contact than the one merged into") }
        let dryRun = input.dryRun ?? false
        let now = clock.now()
        let merge: @Sendable (any Transaction) async throws -> ContactMerge = { tx in
            guard let target = try await tx.contacts.find(id: id) else { throw ServiceError.notFound(resource: "contact", id: id) }
            if !dryRun { try await tx.lock(.account(target.accountID)) }
            guard let source = try await tx.contacts.find(id: sourceID) else { throw ValidationError("source_id", "no contact has this id") }
            guard source.accountID == target.accountID else { throw ValidationError("source_id", "is a contact of another account") }
            for contact in [target, source] {
                if let into = contact.mergedInto { throw ServiceError.conflict("contact \(contact.id) was merged into \(into)", existingID: into) }
                if contact.erasedAt != nil { throw ServiceError.conflict("contact \(contact.id) was erased") }
            }
            let (merged, tombstone) = ContactMergeRule.merged(target, source, at: now)
            let moved = try await tx.contacts.mergeRecords(of: sourceID, onto: dryRun ? nil : id)
            if !dryRun {
                // The tombstone gives up its email first: one account's emails are unique.
                try await tx.contacts.update(tombstone)
                try await tx.contacts.update(merged)
                try await tx.audit(actor, "contact.merge", "contact", id, at: now)
            }
            let lastContacted = dryRun ? nil : try await tx.contacts.lastContacted([id], asOf: now)[id]
            return ContactMerge(
                dryRun: dryRun,
                contact: ContactView(contact: merged, lastContactedAt: lastContacted),
                sourceID: sourceID,
                moved: moved
            )
        }
        return dryRun ? try await storage.read { tx in try await merge(tx) } : try await storage.write { tx in try await merge(tx) }
    }
}
