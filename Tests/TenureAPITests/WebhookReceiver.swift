import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TenureServices
import Testing

/// A real HTTP server on 127.0.0.1 that records every webhook request it gets and answers the n-th (0-based) with
/// `answers[n]`, and any after them with `otherwise`.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var id: String
        var timestamp: String
        var signature: String
        var body: [UInt8]
        var at: Date
        var path: String

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
        var type: String { json["type"] as? String ?? "" }
    }

    enum Answer: Sendable {
        case status(Int)
        case redirect
        case large(Int)
        case hang(Duration)
    }

    private let log: NIOLockedValueBox<[Received]>
    let port: Int

    var url: String { "http://127.0.0.1:\(port)/hooks" }
    /// What was received, in arrival order.
    var all: [Received] { log.withLockedValue { $0 } }

    private init(port: Int, log: NIOLockedValueBox<[Received]>) {
        self.port = port
        self.log = log
    }

    /// Starts a receiver, runs `body` with it, stops it.
    static func with<T: Sendable>(
        answers: [Answer] = [],
        otherwise: Answer = .status(200),
        _ body: @Sendable (WebhookReceiver) async throws -> T
    ) async throws -> T {
        let log = NIOLockedValueBox<[Received]>([])
        let router = Router()
        router.post("/{path}") { request, context -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let item = Received(
                id: request.headers[HTTPField.Name("webhook-id")!] ?? "",
                timestamp: request.headers[HTTPField.Name("webhook-timestamp")!] ?? "",
                signature: request.headers[HTTPField.Name("webhook-signature")!] ?? "",
                body: Array(buffer: bytes),
                at: Date(),
                path: context.parameters.get("path") ?? ""
            )
            let index = log.withLockedValue { log in
                log.append(item)
                return log.count - 1
            }
            switch index < answers.count ? answers[index] : otherwise {
            case .status(let code): return Response(status: .init(code: code))
            case .redirect: return Response(status: .found, headers: [.location: "http://127.0.0.1:1/elsewhere"])
            case .large(let size): return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: size)))
            case .hang(let duration):
                try? await Task.sleep(for: duration)
                return Response(status: .ok)
            }
        }
        let port = NIOLockedValueBox<Int?>(nil)
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLockedValue { $0 = channel.localAddress?.port } },
            logger: logger
        )
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var bound: Int?
        for _ in 0..<500 where bound == nil {
            try await Task.sleep(for: .milliseconds(10))
            bound = port.withLockedValue { $0 }
        }
        defer { task.cancel() }
        return try await body(WebhookReceiver(port: try #require(bound), log: log))
    }

    /// Waits until `condition` holds of what was received (at most `seconds`: the whole suite on PostgreSQL loads the machine).
    @discardableResult
    func wait(seconds: Double = 30, until condition: ([Received]) -> Bool) async throws -> [Received] {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let now = all
            if condition(now) { return now }
            try await Task.sleep(for: .milliseconds(20))
        }
        let last = all
        #expect(condition(last), "the receiver got \(last.count) requests: \(last.map(\.type))")
        return last
    }
}

/// A TCP listener on 127.0.0.1 that resets every connection (RST, not a clean close) once a request starts arriving:
/// a receiver that crashes mid-request. Counts the connections it reset.
final class ResettingReceiver: Sendable {
    private let resets: NIOLockedValueBox<Int>
    let port: Int

    var url: String { "http://127.0.0.1:\(port)/hooks" }
    var count: Int { resets.withLockedValue { $0 } }

    private init(port: Int, resets: NIOLockedValueBox<Int>) {
        self.port = port
        self.resets = resets
    }

    private final class Reset: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let resets: NIOLockedValueBox<Int>

        init(_ resets: NIOLockedValueBox<Int>) { self.resets = resets }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            resets.withLockedValue { $0 += 1 }
            context.close(promise: nil)
        }
    }

    static func with<T: Sendable>(_ body: @Sendable (ResettingReceiver) async throws -> T) async throws -> T {
        let resets = NIOLockedValueBox(0)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                // Linger 0: closing sends RST.
                let linger = (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0))
                return (linger ?? channel.eventLoop.makeSucceededVoidFuture()).flatMapThrowing {
                    try channel.pipeline.syncOperations.addHandler(Reset(resets))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { channel.close(promise: nil) }
        return try await body(ResettingReceiver(port: channel.localAddress?.port ?? 0, resets: resets))
    }
}
