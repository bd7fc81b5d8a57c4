import Foundation
import TenureCore

/// The deliveries an event gets: one to each endpoint enabled for its type when it commits.
enum WebhookDeliveries {
    static func fanOut(_ events: [Event], in tx: any Transaction, at now: Date) async throws {
        let endpoints = try await tx.webhookEndpoints.all().filter { $0.status == .enabled }
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
