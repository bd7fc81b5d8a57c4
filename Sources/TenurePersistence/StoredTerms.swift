import Foundation
import TenureCore
import TenureJSON

/// Writes a subscription snapshot in its stored form, byte for byte what `JSONWriter` (and so `JSONEncoder` with sorted
/// keys) writes for it, member by member: going through `Encodable` was two thirds of reading a Stripe subscription
/// event. Members are written in sorted order and a nil one is left out, as the synthesized `encodeIfPresent` does; a
/// test holds the bytes equal to `JSONEncoder`'s for random snapshots.
struct StoredTerms {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init(_ snapshot: SubscriptionSnapshot) throws {
        bytes.reserveCapacity(512)
        try write(snapshot)
    }

    private mutating func write(_ snapshot: SubscriptionSnapshot) throws {
        open("{")
        try member("cancelAt", snapshot.cancelAt)
        member("cancelAtPeriodEnd", snapshot.cancelAtPeriodEnd)
        member("cancellationComment", snapshot.cancellationComment)
        member("cancellationReason", snapshot.cancellationReason?.rawValue)
        try member("currentPeriodEnd", snapshot.currentPeriodEnd)
        member("deleted", snapshot.deleted)
        try member("discounts", snapshot.discounts) { try $0.write($1) }
        try member("effectiveAt", snapshot.effectiveAt)
        member("interval", snapshot.interval)
        try member("items", snapshot.items) { try $0.write($1) }
        member("order", snapshot.order)
        member("status", snapshot.status)
        close("}")
    }

    private mutating func write(_ item: StripeSubscriptionItem) throws {
        open("{")
        try member("discounts", item.discounts) { try $0.write($1) }
        member("id", item.id)
        if let price = item.price {
            key("price")
            open("{")
            member("interval", price.interval)
            member("intervalCount", price.intervalCount)
            member("unitAmount", price.unitAmount.description)
            close("}")
        }
        member("quantity", item.quantity)
        close("}")
    }

    private mutating func write(_ discount: StripeDiscount) throws {
        open("{")
        member("amountOff", discount.amountOff)
        member("duration", discount.duration)
        try member("end", discount.end)
        member("id", discount.id)
        member("percentOff", discount.percentOff?.description)
        close("}")
    }

    private mutating func member<T>(_ name: String, _ elements: [T], _ write: (inout Self, T) throws -> Void) throws {
        key(name)
        open("[")
        for element in elements { try write(&self, element) }
        close("]")
    }

    private mutating func member(_ name: String, _ text: String?) {
        guard let text else { return }
        key(name)
        JSONWriter.string(text, to: &bytes)
        needsComma = true
    }

    private mutating func member(_ name: String, _ number: Int?) {
        guard let number else { return }
        raw(name, String(number))
    }

    private mutating func member(_ name: String, _ flag: Bool) { raw(name, flag ? "true" : "false") }

    /// A date as `JSONEncoder` writes one by default: seconds since 2001-01-01.
    private mutating func member(_ name: String, _ date: Date?) throws {
        guard let date else { return }
        raw(name, try JSONWriter.text(of: date.timeIntervalSinceReferenceDate, at: []))
    }

    private mutating func raw(_ name: String, _ text: String) {
        key(name)
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    private mutating func key(_ name: String) {
        separate()
        JSONWriter.string(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    private mutating func open(_ bracket: Unicode.Scalar) {
        separate()
        bytes.append(UInt8(ascii: bracket))
        needsComma = false
    }

    private mutating func close(_ bracket: Unicode.Scalar) {
        bytes.append(UInt8(ascii: bracket))
        needsComma = true
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = false
    }
}
