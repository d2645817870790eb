// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "overstap",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "overstap", targets: ["overstap"]),
        // Not in the image: benchmarks, for development machines (`make bench`).
        .executable(name: "overstap-bench", targets: ["overstap-bench"]),
        // The event store as a library: its API speaks in the driver's types, so the driver comes along.
        .library(name: "EventStore", targets: ["EventStore", "Postgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // The HTTP API. Hummingbird's default traits pull in swift-configuration, which we do not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // Already built for Hummingbird; the HTTP tests speak HTTP/1.1 through it.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // Already built for Hummingbird: its HTTP parts, for the `Expect: 100-continue` handler.
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // Excel workbooks (.xlsx) for the lists an overstaptafel opens in a spreadsheet.
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // Civil-calendar arithmetic, shared by the driver and the domain (which may not depend on each other).
        .target(name: "CivilDate"),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ", "CivilDate",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Starting programs without Foundation's Process (posix_spawn, no inherited descriptors).
        .systemLibrary(name: "CSpawn"),
        .target(name: "Proces", dependencies: ["CSpawn"]),
        // A local PostgreSQL cluster for `make run` and the tests; not part of the driver.
        .target(name: "PostgresEmbedded", dependencies: ["Proces"]),
        .target(
            name: "EventStore",
            dependencies: [
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The domain: events, case state, decide, rules, risks, afbouw, calendar, visibility,
        // settings. Pure: no database, no I/O (docs/architecture.md; a test keeps it so).
        .target(name: "Overstap", dependencies: ["CivilDate"]),
        // Storage and application: the case service, projections, lists, vault, nightly jobs, tokens.
        .target(
            name: "OverstapOpslag",
            dependencies: [
                "Overstap", "EventStore", "Postgres",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The demo region's generator, for `overstap demo`, the tests and the bench.
        .target(name: "OverstapDemo", dependencies: ["Overstap", "OverstapOpslag", "EventStore"]),
        .target(
            name: "OverstapHTTP",
            dependencies: [
                "Overstap", "OverstapOpslag", "EventStore", "Postgres",
                "CXlsxWriter",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.embedInCode("openapi.json")]
        ),
        // What both command lines share: the database (DATABASE_URL or embedded), the environment of
        // the domain commands, one line per failure.
        .target(
            name: "OverstapCLI",
            dependencies: [
                "Overstap", "OverstapOpslag", "EventStore", "Postgres", "PostgresEmbedded",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "overstap",
            dependencies: [
                "Overstap", "OverstapOpslag", "OverstapDemo", "OverstapHTTP", "OverstapCLI", "EventStore", "Postgres",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "overstap-bench",
            dependencies: [
                "Overstap", "OverstapOpslag", "OverstapDemo", "OverstapHTTP", "OverstapCLI", "EventStore", "Postgres", "Proces",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Shared by the test targets: a throw-away PostgreSQL and one fresh database per test.
        .target(
            name: "PostgresTesting",
            dependencies: ["Postgres", "PostgresEmbedded", "EventStore"],
            path: "Tests/PostgresTesting"
        ),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "PostgresEmbedded", "PostgresTesting"]),
        .testTarget(name: "EventStoreTests", dependencies: ["EventStore", "Postgres", "PostgresTesting"]),
        .testTarget(name: "OverstapTests", dependencies: ["CivilDate", "Overstap", "OverstapOpslag", "OverstapDemo", "EventStore", "Postgres", "PostgresEmbedded", "Proces", "PostgresTesting"]),
        .testTarget(
            name: "OverstapHTTPTests",
            dependencies: [
                "OverstapHTTP", "Overstap", "OverstapOpslag", "OverstapDemo", "EventStore", "Postgres", "PostgresTesting",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
