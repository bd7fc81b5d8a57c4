import Foundation
import TenureCore
import TenureJSON

/// One entry of the event log (`EVENTS.md`): a change worth reacting to, recorded with the change, never altered.
public struct Event: Sendable, Equatable {
    public var id: String
    /// Commit order.
    public var sequence: Int
    public var type: EventType
    public var accountID: String?
    public var createdAt: Date
    public var occurredAt: Date
    public var source: EventSource
    /// What `data.object` shows: a resource rendered once (`object` nil until then), or a value recorded with the event;
    /// both as canonical JSON (keys sorted), sent as stored.
    public var subject: EventSubject?
    public var object: RawJSON?
    public var previous: RawJSON?
    /// `account.merged`: the tombstone, shown as `data.merged_account` (rendered as `object` is).
    public var mergedAccountID: String?
    public var mergedAccount: RawJSON?

    public init(
        id: String,
        sequence: Int,
        type: EventType,
        accountID: String?,
        createdAt: Date,
        occurredAt: Date,
        source: EventSource,
        subject: EventSubject?,
        object: RawJSON?,
        previous: RawJSON?,
        mergedAccountID: String? = nil,
        mergedAccount: RawJSON? = nil
    ) {
        self.id = id
        self.sequence = sequence
        self.type = type
        self.accountID = accountID
        self.createdAt = createdAt
        self.occurredAt = occurredAt
        self.source = source
        self.subject = subject
        self.object = object
        self.previous = previous
        self.mergedAccountID = mergedAccountID
        self.mergedAccount = mergedAccount
    }
}

/// What caused the changes of a write: set around a request, a webhook, an evaluation… and read by the storage when the
/// write starts, so every event of the write names it.
public struct EventSource: Sendable, Equatable {
    public var kind: EventSourceKind
    public var id: String?

    public init(_ kind: EventSourceKind, id: String?) {
        self.kind = kind
        self.id = id
    }

    @TaskLocal public static var current = EventSource(.api, id: nil)
}

/// The resource an event is about, rendered as its `GET` answers as of the event's `occurred_at`.
public struct EventSubject: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case account, opportunity, contract, payment, `case`
        case riskFlag = "risk_flag"
        case task
        case webhookEndpoint = "webhook_endpoint"
        case lead
    }

    public var kind: Kind
    public var id: String

    public init(_ kind: Kind, _ id: String) {
        self.kind = kind
        self.id = id
    }
}

/// An event a write records, before the log gives it an id and a sequence.
public struct NewEvent: Sendable {
    public var type: EventType
    public var accountID: String?
    public var occurredAt: Date
    public var subject: EventSubject?
    /// The value shown as `data.object` when there is no subject to render (an MRR movement, a band change).
    public var object: JSONValue?
    public var previous: JSONValue?
    /// `account.merged`: the tombstone.
    public var mergedAccountID: String?
    /// Set by the outbox: the source in force when the event was recorded.
    public var source = EventSource.current

    public init(
        _ type: EventType,
        account accountID: String?,
        at occurredAt: Date,
        subject: EventSubject? = nil,
        object: JSONValue? = nil,
        previous: JSONValue? = nil
    ) {
        self.type = type
        self.accountID = accountID
        self.occurredAt = occurredAt
        self.subject = subject
        self.object = object
        self.previous = previous
    }
}
