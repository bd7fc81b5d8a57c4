import Foundation
import PostgresNIO

/// `--database-url`: `postgres://user:pass@host:port/db?sslmode=disable|prefer|require|verify-full&connect_timeout=10`.
public struct DatabaseURL: Sendable, Equatable {
    /// As libpq reads it: `disable` (plain), `prefer` (encrypted when the server offers it, the default), `require`
    /// (encrypted, the certificate not checked), `verify-full` (encrypted, the certificate and host name checked).
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// How long one connection may take to open, as libpq's `connect_timeout` (whole seconds, default 10): a server
    /// that is far away or busy forking backends for many clients at once needs more.
    public var connectTimeout: Duration

    public init(_ text: String) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw InvalidDatabaseURL(reason: "must start with postgres://")
        }
        guard let user = url.user, !user.isEmpty else { throw InvalidDatabaseURL(reason: "names no user (postgres://user@host/db)") }
        guard let host = url.host, !host.isEmpty else { throw InvalidDatabaseURL(reason: "names no host") }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw InvalidDatabaseURL(reason: "names no database (…/db)") }
        let port = url.port ?? 5432
        guard (1...65_535).contains(port) else { throw InvalidDatabaseURL(reason: "port \(port) is out of range") }
        let parameters = url.queryItems ?? []
        let unknown = parameters.map(\.name).filter { !["sslmode", "connect_timeout"].contains($0) }
        guard unknown.isEmpty else {
            throw InvalidDatabaseURL(reason: "unknown parameter \(unknown[0]) (only sslmode and connect_timeout are read)")
        }
        let mode = parameters.first { $0.name == "sslmode" }?.value ?? SSLMode.prefer.rawValue
        guard let sslMode = SSLMode(rawValue: mode) else {
            throw InvalidDatabaseURL(reason: "sslmode \(mode) is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let timeout = parameters.first { $0.name == "connect_timeout" }?.value ?? "10"
        guard let seconds = Int(timeout), (1...3_600).contains(seconds) else {
            throw InvalidDatabaseURL(reason: "connect_timeout \(timeout) is not a whole number of seconds from 1 to 3600")
        }
        self.host = host
        self.port = port
        self.user = user.removingPercentEncoding ?? user
        self.password = url.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.sslMode = sslMode
        connectTimeout = .seconds(seconds)
    }

    /// The pool's configuration that connects as this URL says.
    public var configuration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch tlsConfiguration {
            case nil: .disable
            case let configuration? where sslMode == .prefer: .prefer(configuration)
            case let configuration?: .require(configuration)
            }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = connectTimeout
        return configuration
    }

    /// One connection's configuration, the same as the pool's.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch tlsConfiguration {
            case nil: .disable
            case let configuration? where sslMode == .prefer: .prefer(try NIOSSLContext(configuration: configuration))
            case let configuration?: .require(try NIOSSLContext(configuration: configuration))
            }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .init(connectTimeout)
        return configuration
    }

    /// `nil` when `sslmode=disable`; the certificate and host name checked only with `verify-full`.
    private var tlsConfiguration: TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .disable: return nil
        case .prefer, .require: configuration.certificateVerification = .none
        case .verifyFull: break
        }
        return configuration
    }
}

/// A `--database-url` that cannot be used, with the one line that says why (never the URL: it may hold a password).
public struct InvalidDatabaseURL: Error, CustomStringConvertible, Equatable {
    public let reason: String
    public var description: String { "invalid --database-url: \(reason)" }
}
