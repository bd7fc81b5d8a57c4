import Foundation
import TenureCore

/// The deliveries an event gets: one to each endpoint enabled for its type when it commits. The endpoints are held while
/// the write lasts, so that one disabled meanwhile either gets no delivery or has it ended with its others.
enum WebhookDeliveries {
    /// The enabled endpoints, held against a writer that would disable or delete one until the transaction ends.
    static func endpoints(in tx: any Transaction) async throws -> [WebhookEndpoint] {
        try await tx.webhookEndpoints.sharing().filter { $0.status == .enabled }
    }

    static func fanOut(_ events: [Event], to endpoints: [WebhookEndpoint], in tx: any Transaction, at now: Date) async throws {
        guard !endpoints.isEmpty else { return }
        let deliveries = events.flatMap { event in
            endpoints.filter { $0.receives(event.type) }.map { endpoint in
                EventDelivery(
                    id: Identifier.make("whd", at: now),
                    endpointID: endpoint.id,
                    event: (event.id, event.sequence, event.type, event.accountID),
                    at: now
                )
            }
        }
        try await tx.webhookDeliveries.insert(deliveries)
    }
}
