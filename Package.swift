// swift-tools-version: 6.1
import PackageDescription

let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Obol",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ObolCore", targets: ["ObolCore"]),
        .library(name: "ObolWire", targets: ["ObolWire"]),
        .library(name: "ObolP2P", targets: ["ObolP2P"]),
        .library(name: "ObolNode", targets: ["ObolNode"]),
        .library(name: "ObolStore", targets: ["ObolStore"]),
        .library(name: "Obol", targets: ["Obol"]),
        .library(name: "ObolWallet", targets: ["ObolWallet"]),
        .library(name: "ObolAPIModels", targets: ["ObolAPIModels"]),
        .library(name: "ObolTracker", targets: ["ObolTracker"]),
        .executable(name: "obol", targets: ["obol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", exact: "1.5.0"),
    ],
    targets: [
        // C
        .systemLibrary(name: "CSecp256k1", pkgConfig: "libsecp256k1", providers: [.apt(["libsecp256k1-dev"])]),
        .target(name: "CSHA256"),

        // Pure core: value types and consensus rules.
        .target(name: "ObolCore", dependencies: ["CSecp256k1", "CSHA256"], swiftSettings: settings),

        // The peer-to-peer protocol as plain values: messages and their codec, the
        // Noise handshake and cipher states, the per-peer state machine. No NIO, no I/O.
        .target(
            name: "ObolWire",
            dependencies: ["ObolCore", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings
        ),

        // Key files on disk: created new, complete or absent after a crash, mode 0600.
        .target(name: "ObolFiles", swiftSettings: settings),

        // The peer-to-peer transport: Noise XX and ObolWire frames over TCP (SwiftNIO only here).
        .target(
            name: "ObolP2P",
            dependencies: [
                "ObolWire", "ObolCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),

        // The actors, the store's protocol and write queue, and the node that composes them.
        .target(
            name: "ObolNode",
            dependencies: [
                "ObolCore", "CSHA256", "ObolWire", "ObolFiles",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: settings
        ),

        // The SQLite store behind `ChainStore` (GRDB only here).
        .target(
            name: "ObolStore",
            dependencies: [
                "ObolNode", "ObolCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: settings
        ),

        // JSON shapes of the HTTP API, shared by the server and the wallet's client.
        .target(name: "ObolAPIModels", dependencies: ["ObolCore"], swiftSettings: settings),

        // HTTP JSON API (Hummingbird only here). It reads the node through `NodeBackend`,
        // so it links neither the actors nor the storage engine.
        .target(
            name: "ObolAPI",
            dependencies: [
                "ObolCore", "ObolAPIModels",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                // Only to answer what NIO's HTTP parser refuses with JSON (HTTPParseErrorHandler).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),

        // Keys on disk, signing and the node's HTTP client.
        // Key files are encrypted with scrypt and ChaChaPoly (swift-crypto's CryptoExtras for scrypt).
        .target(name: "ObolWallet",
                dependencies: ["ObolCore", "ObolAPIModels", "ObolFiles",
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "CryptoExtras", package: "swift-crypto")],
                swiftSettings: settings),

        // The tracker of `obol tracker`: its registry, the proofs on its requests, and the node's client.
        .target(
            name: "ObolTracker",
            dependencies: ["ObolNode", "ObolWire", "ObolCore", "ObolAPIModels", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: settings
        ),

        // A discrete-event simulation of block propagation over ObolWire's per-peer state machines (`obol simulate`).
        .target(name: "ObolSimulation", dependencies: ["ObolWire", "ObolCore"], swiftSettings: settings),
        // The attacks of `obol demo --attackers` and of the resilience tests: forged blocks and transfers sent
        // over any `PeerTransport`.
        .target(name: "ObolAdversary", dependencies: ["ObolNode", "ObolWire", "ObolCore"], swiftSettings: settings),

        // Umbrella for embedders: a full node with its API.
        .target(name: "Obol", dependencies: ["ObolNode", "ObolStore", "ObolAPI", "ObolCore", "ObolP2P", "ObolWire", "ObolTracker",
                                             "ObolFiles",
                                             .product(name: "Metrics", package: "swift-metrics"),
                                             .product(name: "Prometheus", package: "swift-prometheus")],
                swiftSettings: settings),

        // The command line.
        .executableTarget(
            name: "obol",
            dependencies: [
                "Obol", "ObolWallet", "ObolSimulation", "ObolAdversary",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: settings
        ),

        // A small program that embeds a node (documentation example).
        .executableTarget(name: "EmbeddedNodeExample", dependencies: ["Obol"], path: "Examples/EmbeddedNode",
                          swiftSettings: settings),

        .target(name: "ObolTestSupport", dependencies: ["ObolCore", "ObolNode", "ObolWire", .product(name: "Logging", package: "swift-log")], swiftSettings: settings),

        .testTarget(name: "ObolWireTests", dependencies: ["ObolWire", "ObolCore", "ObolTestSupport"],
                    resources: [.copy("Fixtures")], swiftSettings: settings),
        .testTarget(name: "ObolCoreTests", dependencies: ["ObolCore", "ObolTestSupport", "CSHA256"],
                    swiftSettings: settings),
        // The SQLite store's tests open databases with GRDB directly to damage or age them.
        .testTarget(name: "ObolNodeTests",
                    dependencies: ["ObolNode", "ObolStore", "ObolCore", "ObolTestSupport",
                                   .product(name: "GRDB", package: "GRDB.swift"),
                                   .product(name: "Metrics", package: "swift-metrics"),
                                   .product(name: "MetricsTestKit", package: "swift-metrics")],
                    swiftSettings: settings),
        .testTarget(
            name: "ObolAPITests",
            dependencies: [
                "ObolAPI", "ObolAPIModels", "ObolNode", "ObolCore", "ObolTestSupport", "Obol", "ObolWire",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: settings
        ),
        .testTarget(
            name: "ObolTrackerTests",
            dependencies: [
                "ObolTracker", "ObolAPI", "ObolAPIModels", "Obol", "ObolNode", "ObolCore", "ObolWire", "ObolTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: settings
        ),
        .testTarget(name: "ObolAdversaryTests",
                    dependencies: ["ObolAdversary", "ObolNode", "ObolCore", "ObolWire", "ObolTestSupport"],
                    swiftSettings: settings),
        // The adversarial tests drive a real node (ObolNode) against a scripted attacker over TCP and Noise.
        .testTarget(
            name: "ObolP2PTests",
            dependencies: [
                "ObolP2P", "ObolWire", "ObolCore", "ObolNode", "ObolTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: settings
        ),
        .testTarget(name: "ObolSimulationTests", dependencies: ["ObolSimulation"], swiftSettings: settings),
        // The verify command's tests edit a node's store with GRDB directly.
        .testTarget(name: "ObolCLITests", dependencies: ["ObolCore", "ObolWallet", "ObolAPIModels",
                                                         .product(name: "GRDB", package: "GRDB.swift")],
                    swiftSettings: settings),
    ],
    swiftLanguageModes: [.v6]
)
