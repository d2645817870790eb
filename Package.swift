// swift-tools-version:6.0
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
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
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
            dependencies: ["EventStore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "overstap",
            dependencies: [
                "Overstap",
                "EventStore",
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
    ],
    swiftLanguageModes: [.v6]
)
