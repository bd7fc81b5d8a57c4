import Foundation
import TenureCore

public enum DuplicateObject: String, CaseIterable, Sendable {
    case accounts, contacts
}

/// A record of a cluster as the finder shows it: an account's name and domain, or a contact's name, email and account.
public struct DuplicateRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var domain: String?
    public var email: String?
    public var accountID: String?
}

/// A connected group of likely duplicates (`INSIGHTS.md`, "Duplicates"): records oldest first, each matching pair (the
/// older first) with what matched.
public struct DuplicateGroup: Sendable {
    public struct Pair: Sendable {
        public var a: String
        public var b: String
        public var reasons: [String]
    }

    public var records: [DuplicateRecord]
    public var pairs: [Pair]
}

/// The duplicate finder: every live account (or contact not erased) keyed once, grouped by equal keys, never compared
/// pairwise.
public struct DuplicateService: Sendable {
    let storage: any Storage

    public init(storage: any Storage) { self.storage = storage }

    /// The clusters, ordered by their oldest record; a page's cursor is the position of its last cluster.
    public func find(_ object: DuplicateObject, page: PageRequest) async throws -> Page<DuplicateGroup> {
        let records: [DuplicateRecord]
        let matches: [(reason: String, pairs: [(Int, Int)])]
        switch object {
        case .accounts:
            records = try await storage.read { tx in try await tx.accounts.identities() }.map {
                DuplicateRecord(id: $0.id, name: $0.name, domain: $0.domain)
            }
            let domains = Dictionary(records.enumerated().compactMap { index, record in record.domain.map { ($0, index) } }) { first, _ in first }
            // A subdomain matches each of its parents that an account has (live accounts' domains are unique).
            let subdomains = records.indices.flatMap { record in
                DuplicateKeys.parents(of: records[record].domain ?? "").compactMap { domains[$0].map { (record, $0) } }
            }
            matches = [
                ("name", DuplicateClusters.sharing(count: records.count) { DuplicateKeys.companyName(records[$0].name) }),
                ("domain", subdomains),
            ]
        case .contacts:
            records = try await storage.read { tx in try await tx.contacts.identities() }.map {
                DuplicateRecord(id: $0.id, name: $0.name, email: $0.email, accountID: $0.accountID)
            }
            matches = [
                ("email", DuplicateClusters.sharing(count: records.count) { records[$0].email.map(DuplicateKeys.email) }),
                (
                    "name",
                    DuplicateClusters.sharing(count: records.count) { record in
                        let name = DuplicateKeys.personName(records[record].name)
                        return name.isEmpty ? nil : "\(records[record].accountID ?? "")|\(name)"
                    }
                ),
            ]
        }
        let clusters = DuplicateClusters.find(count: records.count, matches: matches)
        let after = page.after.map { Int($0.seq) } ?? -1
        let remaining = clusters.filter { ($0.records.first ?? 0) > after }
        let kept = remaining.prefix(page.limit)
        let groups = kept.map { cluster in
            DuplicateGroup(
                records: cluster.records.map { records[$0] },
                pairs: cluster.pairs.map { DuplicateGroup.Pair(a: records[$0.a].id, b: records[$0.b].id, reasons: $0.reasons) }
            )
        }
        let positions = kept.map { PageCursor(seq: Int64($0.records.first ?? 0)) }
        return Page(items: groups, next: remaining.count > page.limit ? positions.last : nil, positions: positions)
    }
}
