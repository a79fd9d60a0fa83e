// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Obol",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ObolCore", targets: ["ObolCore"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSecp256k1",
            pkgConfig: "libsecp256k1",
            providers: [.apt(["libsecp256k1-dev"])]
        ),
        .target(name: "CSHA256"),
        .target(
            name: "ObolCore",
            dependencies: ["CSecp256k1", "CSHA256"],
            swiftSettings: strict
        ),
        .target(
            name: "ObolTestSupport",
            dependencies: ["ObolCore"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ObolCoreTests",
            dependencies: ["ObolCore", "ObolTestSupport", "CSHA256"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
