// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "overstap",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "overstap", targets: ["overstap"]),
        .library(name: "EventStore", targets: ["EventStore"]),
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
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "EventStore",
            dependencies: [
                "Postgres",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Overstap",
            dependencies: [
                "EventStore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "OverstapHTTP",
            dependencies: [
                "Overstap",
                "CXlsxWriter",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            resources: [.embedInCode("openapi.json")]
        ),
        .executableTarget(
            name: "overstap",
            dependencies: [
                "Overstap",
                "OverstapHTTP",
                "EventStore",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Shared by the test targets: a throw-away PostgreSQL and one fresh database per test.
        .target(
            name: "PostgresTesting",
            dependencies: ["Postgres", "EventStore"],
            path: "Tests/PostgresTesting"
        ),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "PostgresTesting"]),
        .testTarget(name: "EventStoreTests", dependencies: ["EventStore", "PostgresTesting"]),
        .testTarget(name: "OverstapTests", dependencies: ["Overstap", "PostgresTesting"]),
        .testTarget(
            name: "OverstapHTTPTests",
            dependencies: [
                "OverstapHTTP", "PostgresTesting",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
