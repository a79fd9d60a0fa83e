// swift-tools-version: 6.1
// Obol's libFuzzer targets: a nested package, so the main package carries no sanitizer flags
// (unsafeFlags would make it unusable as a dependency). The flags come from the command line:
//   scripts/fuzz.sh [SECONDS]    (see docs/OPERATIONS.md, "Fuzzing")
// Every executable but FuzzSeeds is one fuzz target: it hands libFuzzer one decoder of untrusted bytes
// and a property that must hold for every input it accepts.
import PackageDescription

let fuzzTargets = [
    "FuzzBlock", "FuzzBlockHeader", "FuzzTransfer", "FuzzWireFrames", "FuzzNoiseHandshake", "FuzzNoiseFrames",
    "FuzzChainSpec", "FuzzKeyFiles", "FuzzAPIRequests",
]

let obol: [Target.Dependency] = [
    .product(name: "ObolCore", package: "Obol"),
    .product(name: "ObolWire", package: "Obol"),
    .product(name: "ObolWallet", package: "Obol"),
    .product(name: "ObolAPIModels", package: "Obol"),
]

let package = Package(
    name: "ObolFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Obol", path: "../"),
    ],
    targets: [
        // libFuzzer's LLVMFuzzerRunDriver, declared for Swift.
        .target(name: "CFuzzDriver", path: "CFuzzDriver"),
        // What every target shares: the driver call, the property check, and the seed inputs.
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"] + obol, path: "FuzzSupport"),
        // Writes the seed corpus (Corpus/<target>/) from real encodings.
        .executableTarget(name: "FuzzSeeds", dependencies: ["FuzzSupport"] + obol, path: "Targets/FuzzSeeds"),
    ] + fuzzTargets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzSupport"] + obol, path: "Targets/\(name)")
    },
    swiftLanguageModes: [.v6]
)
