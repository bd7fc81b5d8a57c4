import Foundation
import TenureCore

public struct PaymentFilter: Sendable {
    public var accountID: String?
    public var status: PaymentStatus?

    public init(accountID: String? = nil, status: PaymentStatus? = nil) {
        self.accountID = accountID
        self.status = status
    }
}

public protocol PaymentRecords {
    func insert(_ payment: Payment) async throws
    func update(_ payment: Payment) async throws
    /// The Stripe payment of this status for an invoice or charge id.
    func find(id: String) async throws -> Payment?
    func find(stripe status: PaymentStatus, externalID: String) async throws -> Payment?
    func list(_ filter: PaymentFilter, _ page: PageRequest) async throws -> Page<Payment>
    func of(account accountID: String) async throws -> [Payment]
}
