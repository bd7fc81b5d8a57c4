import Foundation
import TenureCore
import TenureJSON

/// What an erasure replaces with the marker (`PRIVACY.md`): any text holding the person's email, and any equal
/// (trimmed, in any case) to one of their names or phones or to a free text erased with them.
struct Redaction: Sendable {
    static let marker = "[redacted]"

    /// Lowercase.
    let email: String
    /// Trimmed, lowercase.
    let equal: Set<String>

    init(email: String, equalTo texts: [String]) {
        self.email = email.lowercased()
        equal = Set(texts.map { $0.trimmingWhitespace().lowercased() }.filter { !$0.isEmpty && $0 != Self.marker })
    }

    func covers(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.contains(email) || equal.contains(lowered.trimmingWhitespace())
    }

    /// Each string of `value` it covers replaced; keys and every other value as they were.
    func redacted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): covers(text) ? .string(Self.marker) : value
        case .array(let values): .array(values.map(redacted))
        case .object(let object): .object(JSONObject(members: object.members.map { ($0.key, redacted($0.value)) }))
        case .integer, .number, .bool, .null: value
        }
    }

    /// A stored delivery with the person taken out: in JSON each string it covers, in any other format each occurrence
    /// of the email; nil when nothing changes.
    func redacted(payload: [UInt8]) -> [UInt8]? {
        if let json = JSONValue.parse(payload) {
            let redacted = redacted(json)
            return redacted == json ? nil : Array(redacted.canonicalText.utf8)
        }
        let text = String(decoding: payload, as: UTF8.self)
        let replaced = text.replacingOccurrences(of: email, with: Self.marker, options: .caseInsensitive)
        return replaced == text ? nil : Array(replaced.utf8)
    }

    /// A frozen rendering of an event with the person taken out (renderings are canonical JSON).
    func redacted(_ rendering: RawJSON?) -> RawJSON? {
        guard let rendering, let json = JSONValue.parse(rendering.bytes) else { return rendering }
        return RawJSON(Array(redacted(json).canonicalText.utf8))
    }
}
