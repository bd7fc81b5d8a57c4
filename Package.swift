// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

/// Every `migrations/sqlite/NNNN_name.sql`, compiled into the binary so `tenure` finds its migrations wherever it runs.
/// A new migration is listed here and in `migrations/sqlite/Migrations.swift`; a test checks both against the folder.
let migrationFiles = [
    "0001_foundation.sql", "0002_pipeline.sql", "0003_revenue.sql", "0004_health.sql", "0005_case_changes.sql",
    "0006_read_indexes.sql", "0007_contracts_version.sql", "0008_summary_reads.sql", "0009_snapshot_key.sql", "0010_integrations.sql",
    "0011_events.sql", "0012_merged_account_event.sql", "0013_privacy.sql", "0014_leads.sql", "0015_insights.sql",
]

/// Every `migrations/postgres/NNNN_name.sql`: a baseline equal to SQLite's schema after 0009, then the same numbers and
/// names as SQLite's, listed here and in `migrations/postgres/Migrations.swift`.
let postgresMigrationFiles = [
    "0009_baseline.sql", "0010_integrations.sql", "0011_events.sql", "0012_merged_account_event.sql", "0013_privacy.sql", "0014_leads.sql",
    "0015_insights.sql",
]

/// The built-in pages (`Sources/TenureAPI/Pages`): the shell, the stylesheet, the shared module and one module per page.
let pageFiles = [
    "shell.html", "tenure.css", "tenure.js", "overview.js", "accounts.js", "account.js", "pipeline.js", "work.js", "leads.js",
]

let package = Package(
    name: "tenure",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "tenure", targets: ["tenure"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "Migrations", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
        .target(
            name: "SQLiteStore",
            dependencies: [
                "CSQLite", "Migrations",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "TenureMigrations", path: "migrations/sqlite", resources: migrationFiles.map { .embedInCode($0) }),
        .target(name: "TenurePostgresMigrations", path: "migrations/postgres", resources: postgresMigrationFiles.map { .embedInCode($0) }),
        .target(name: "TenureCore", swiftSettings: swiftSettings),
        .target(name: "TenureJSON", swiftSettings: swiftSettings),
        .target(name: "TenureCSV", swiftSettings: swiftSettings),
        .target(
            name: "TenureServices",
            dependencies: ["TenureCore", "TenureJSON", "TenureCSV", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TenurePersistence",
            dependencies: ["Migrations", "SQLiteStore", "TenureCore", "TenureJSON", "TenureServices", "TenureMigrations"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TenurePostgres",
            dependencies: [
                "Migrations", "SQLiteStore", "TenureCore", "TenurePersistence", "TenureServices", "TenurePostgresMigrations",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "TenureDemo", dependencies: ["TenureCore", "TenureJSON", "TenureServices"], swiftSettings: swiftSettings),
        .target(
            name: "TenureAPI",
            dependencies: [
                "TenureCore", "TenureJSON", "TenureServices",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: pageFiles.map { .embedInCode("Pages/\($0)") },
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "tenure",
            dependencies: [
                "TenureAPI", "TenureDemo", "TenurePersistence", "TenurePostgres", "TenureServices", "TenureCore", "SQLiteStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "TenureTestSupport", path: "Tests/TenureTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "SQLiteStoreTests", dependencies: ["Migrations", "SQLiteStore", "TenureTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "TenureCoreTests", dependencies: ["TenureCore"], swiftSettings: swiftSettings),
        .testTarget(name: "TenureJSONTests", dependencies: ["TenureJSON"], swiftSettings: swiftSettings),
        .testTarget(name: "TenureCSVTests", dependencies: ["TenureCSV"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TenureServicesTests",
            dependencies: ["TenureServices", "TenureJSON", "TenureDemo"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TenurePersistenceTests",
            dependencies: [
                "Migrations", "TenurePersistence", "SQLiteStore", "TenureCore", "TenureDemo", "TenureMigrations", "TenureServices",
                "TenureTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TenurePostgresTests",
            dependencies: [
                "Migrations", "TenurePostgres", "TenurePostgresMigrations", "TenurePersistence", "SQLiteStore", "TenureTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TenureAPITests",
            dependencies: [
                "TenureAPI", "TenureDemo", "SQLiteStore", "TenureCore", "TenureJSON", "TenurePersistence", "TenureServices", "TenureMigrations",
                "TenureTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
