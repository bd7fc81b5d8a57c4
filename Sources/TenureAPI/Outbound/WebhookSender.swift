import AsyncHTTPClient
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import TenureCore

/// Makes one webhook request (`EVENTS.md`, "Success", "Safety"): a POST that succeeds on a 2xx within the timeout,
/// redirects never followed, at most `maxResponseBytes` of the answer read. Unless private targets are allowed, a name is
/// resolved here, every address checked, and the connection made to the checked address (no second lookup an attacker's
/// DNS could answer differently).
final class WebhookSender: Sendable {
    static let timeout: TimeAmount = .seconds(10)
    static let maxResponseBytes = 64 * 1024

    struct Outcome: Sendable {
        var statusCode: Int?
        var error: DeliveryAttempt.Failure?
    }

    private let allowPrivate: Bool
    private let shared: HTTPClient
    /// Clients that connect a name to its checked address, by "name|address" (a bounded few).
    private let pinned = NIOLockedValueBox<[(key: String, client: HTTPClient)]>([])
    private static let maxPinned = 64

    init(allowPrivate: Bool) {
        self.allowPrivate = allowPrivate
        shared = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: Self.configuration(dnsOverride: [:]))
    }

    func shutdown() async {
        try? await shared.shutdown()
        for (_, client) in pinned.withLockedValue({ $0 }) { try? await client.shutdown() }
    }

    func send(to url: String, headers: [(String, String)], body: [UInt8]) async -> Outcome {
        guard let host = URLComponents(string: url)?.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) else {
            return Outcome(error: .connection)
        }
        let client: HTTPClient
        if allowPrivate {
            client = shared
        } else if let literal = IPAddress(host) {
            guard !literal.isRestricted else { return Outcome(error: .privateAddress) }
            client = shared
        } else {
            guard let addresses = try? await Self.resolve(host), let first = addresses.first else { return Outcome(error: .connection) }
            guard !addresses.contains(where: \.isRestricted) else { return Outcome(error: .privateAddress) }
            client = self.client(pinning: host, to: first)
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: Self.timeout)
            var read = 0
            for try await chunk in response.body {
                read += chunk.readableBytes
                if read >= Self.maxResponseBytes { break }
            }
            return Outcome(statusCode: Int(response.status.code))
        } catch {
            return Outcome(error: Self.failure(error))
        }
    }

    private func client(pinning host: String, to address: IPAddress) -> HTTPClient {
        let key = "\(host)|\(address)"
        let (client, evicted): (HTTPClient, HTTPClient?) = pinned.withLockedValue { clients in
            if let found = clients.first(where: { $0.key == key }) { return (found.client, nil) }
            let client = HTTPClient(
                eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                configuration: Self.configuration(dnsOverride: [host: address.description])
            )
            clients.append((key, client))
            return (client, clients.count > Self.maxPinned ? clients.removeFirst().client : nil)
        }
        if let evicted { Task { try? await evicted.shutdown() } }
        return client
    }

    private static func configuration(dnsOverride: [String: String]) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: HTTPClient.Configuration.Timeout(connect: timeout, read: timeout),
            connectionPool: HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60))
        )
        configuration.dnsOverride = dnsOverride
        configuration.decompression = .disabled
        return configuration
    }

    private static func failure(_ error: any Error) -> DeliveryAttempt.Failure {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout: return .timeout
            default: break
            }
        }
        if error is NIOSSLError || error is BoringSSLError { return .tls }
        let text = String(describing: error)
        if text.contains("timeout") || text.contains("Timeout") || text.contains("deadline") { return .timeout }
        if text.lowercased().contains("ssl") || text.lowercased().contains("tls") || text.contains("certificate") { return .tls }
        return .connection
    }

    /// Every address `host` resolves to (the system's resolver, on a thread of NIO's pool: it blocks).
    static func resolve(_ host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { throw ResolutionFailed() }
            defer { freeaddrinfo(first) }
            var addresses: [IPAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let info = cursor {
                if let socketAddress = info.pointee.ai_addr {
                    switch Int32(info.pointee.ai_family) {
                    case AF_INET:
                        let bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                            withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
                        }
                        if let address = IPAddress(bytes: bytes) { addresses.append(address) }
                    case AF_INET6:
                        let bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                            withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                        }
                        if let address = IPAddress(bytes: bytes) { addresses.append(address) }
                    default: break
                    }
                }
                cursor = info.pointee.ai_next
            }
            return addresses
        }
    }

    struct ResolutionFailed: Error {}
}
