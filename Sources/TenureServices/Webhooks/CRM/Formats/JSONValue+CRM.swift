import Foundation
import TenureCore
import TenureJSON

/// Reading the values CRMs send (`INTEGRATIONS.md`): ids and text as strings or numbers, HubSpot's `{"value": …}`
/// wrappers, amounts in major units, times in several forms.
extension JSONValue {
    /// The value inside a `{"value": …}` wrapper, or this value.
    var unwrapped: JSONValue { self["value"] == .null ? self : self["value"] }

    /// Text, or a number written as text (CRM ids such as `4711`); nil for null and for empty or blank text.
    var crmText: String? {
        switch unwrapped {
        case .string(let text): text.trimmingWhitespace().nilIfEmpty
        case .integer(let value): String(value)
        case .number(let value): value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .bool(let value): String(value)
        default: nil
        }
    }

    /// An amount in major units (`"18250.5"`, `9600.75`) as minor units of `currency`, halves away from zero; nil
    /// when absent, and a `ValidationError` on `field` when it is no amount.
    func crmAmount(_ field: String, currency: String) throws -> Int? {
        guard let text = crmText else { return nil }
        guard let amount = Rational(decimal: text), !(amount < .zero), let minor = amount.minorUnits(of: currency) else {
            throw ValidationError(field, "must be a non-negative amount in major units")
        }
        return minor
    }

    /// A time: RFC 3339, `YYYY-MM-DD HH:MM:SS` (UTC), or Unix seconds or milliseconds (by magnitude); nil when absent
    /// or unreadable.
    var crmTime: Date? {
        switch unwrapped {
        case .integer(let value): value > 0 ? Timestamp.unixSecondsOrMilliseconds(value) : nil
        case .number(let value): value > 0 && value < 1e15 ? Timestamp.unixSecondsOrMilliseconds(Int64(value)) : nil
        case .string(let text): Timestamp.parseCRMInstant(text)
        default: nil
        }
    }

    /// A calendar date (`YYYY-MM-DD`) from a date or a time (its UTC day).
    var crmDate: String? {
        guard let text = crmText else { return nil }
        if Timestamp.parseDate(text) != nil { return text }
        return crmTime.map(Timestamp.formatDate)
    }
}

extension WebhookEvent {
    /// When the CRM says the event happened: the time read from the delivery, else its receipt.
    var crmOccurredAt: Date { occurredAt ?? receivedAt }
}

extension Optional where Wrapped == Date {
    /// A CRM's time, where one after `receipt` counts as `receipt` (a sender's clock ahead of ours cannot place a change
    /// in the future).
    func crmTime(receivedAt receipt: Date) -> Date { map { min($0, receipt) } ?? receipt }
}
