import Foundation

public enum EngagementType: String, Codable, CaseIterable, Sendable {
    case pageView = "page_view"
    case contentDownload = "content_download"
    case webinarRegistered = "webinar_registered"
    case webinarAttended = "webinar_attended"
    case emailOpened = "email_opened"
    case emailClicked = "email_clicked"
    case formSubmitted = "form_submitted"
    case demoScheduled = "demo_scheduled"
    case unsubscribed
}

/// Something a lead or a contact did (`LEADS.md`, "Engagement").
public struct EngagementEvent: Sendable, Equatable {
    public var id: String
    public var type: EngagementType
    public var occurredAt: Date
    public var leadID: String?
    public var contactID: String?
    public var url: String?
    public var asset: String?
    public var createdAt: Date

    public init(
        id: String,
        type: EngagementType,
        occurredAt: Date,
        leadID: String?,
        contactID: String?,
        url: String?,
        asset: String?,
        createdAt: Date
    ) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt
        self.leadID = leadID
        self.contactID = contactID
        self.url = url
        self.asset = asset
        self.createdAt = createdAt
    }

    /// The url's path, lowercased: what a url pattern is matched against.
    public var path: String? { url.map(URLPattern.path(of:)) }
}

/// A glob over a url's path (`*` = anything), case-insensitive: `/pricing*` matches `https://x.io/Pricing?p=1`, not
/// `/blog/pricing-tips`.
public struct URLPattern: Sendable, Equatable {
    /// As given.
    public let text: String
    private let parts: [Substring]

    public init(_ text: String) {
        self.text = text
        parts = text.lowercased().split(separator: "*", omittingEmptySubsequences: false)
    }

    /// The path of `url`, lowercased: after `scheme://host[:port]` (when there is one), before `?` or `#`; `/` when empty.
    public static func path(of url: String) -> String {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") {
            rest = rest[scheme.upperBound...]
            rest = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }).map { rest[$0...] } ?? ""
        }
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        return rest.isEmpty ? "/" : rest.lowercased()
    }

    /// Whether the whole (lowercased) `path` matches.
    public func matches(path: String) -> Bool {
        guard parts.count > 1 else { return path == parts.first.map(String.init) }
        guard path.hasPrefix(parts[0]), path.dropFirst(parts[0].count).hasSuffix(parts[parts.count - 1]) else { return false }
        var rest = path.dropFirst(parts[0].count).dropLast(parts[parts.count - 1].count)
        for part in parts.dropFirst().dropLast() where !part.isEmpty {
            guard let found = rest.range(of: part) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }

    /// The pattern as a SQL `LIKE` pattern over a lowercased path (`\` escapes).
    public var likePattern: String {
        var pattern = ""
        for character in text.lowercased() {
            switch character {
            case "*": pattern.append("%")
            case "%", "_", "\\": pattern += "\\" + String(character)
            default: pattern.append(character)
            }
        }
        return pattern
    }
}
