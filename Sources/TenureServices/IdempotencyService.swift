import Crypto
import Foundation
import TenureCore

/// `Idempotency-Key`: the first request with a key runs; a repeat with the same body gets the first response again,
/// one with another body (or while the first still runs) is a conflict. Keys are kept 24 hours.
public struct IdempotencyService: Sendable {
    public static let retention: TimeInterval = 24 * 3600

    public enum Outcome: Sendable {
        /// First use: run the request, then `finish` or `abandon`.
        case proceed
        case replay(StoredResponse)
    }

    let storage: any Storage
    let clock: Clock

    public init(storage: any Storage, clock: Clock) {
        self.storage = storage
        self.clock = clock
    }

    public func begin(_ key: IdempotencyKey, requestBody: [UInt8], method: String, path: String) async throws -> Outcome {
        var digest = SHA256()
        digest.update(data: Data("\(method) \(path)\n".utf8))
        digest.update(data: requestBody)
        let hash = digest.finalize().hexString
        let now = clock.now()
        let earlier = try await storage.write { tx in
            try await tx.idempotency.purge(before: now.addingTimeInterval(-Self.retention))
            return try await tx.idempotency.claim(key, requestHash: hash, at: now)
        }
        guard let earlier else { return .proceed }
        guard earlier.requestHash == hash else {
            throw ServiceError.conflict("Idempotency-Key \(key.key) was used with a different request")
        }
        guard let response = earlier.response else {
            throw ServiceError.conflict("a request with Idempotency-Key \(key.key) is still in progress")
        }
        return .replay(response)
    }

    public func finish(_ key: IdempotencyKey, response: StoredResponse) async throws {
        try await storage.write { tx in try await tx.idempotency.complete(key, response: response) }
    }

    /// Forgets the key after a failure the client should retry (5xx), so the retry runs.
    public func abandon(_ key: IdempotencyKey) async throws {
        try await storage.write { tx in try await tx.idempotency.release(key) }
    }
}

/// An `Idempotency-Key` as seen from one API key.
public struct IdempotencyKey: Sendable, Hashable {
    public var apiKeyID: String
    public var key: String

    public init(apiKeyID: String, key: String) {
        self.apiKeyID = apiKeyID
        self.key = key
    }
}

/// A response kept to answer a repeated request.
public struct StoredResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// An earlier request with the same idempotency key: its body hash, and its response once it finished.
public struct StoredIdempotentRequest: Sendable {
    public var requestHash: String
    public var response: StoredResponse?

    public init(requestHash: String, response: StoredResponse?) {
        self.requestHash = requestHash
        self.response = response
    }
}
