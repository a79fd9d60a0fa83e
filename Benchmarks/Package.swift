// swift-tools-version: 6.1
// Obol's benchmarks: a nested package, so the main package gains no dependencies.
// Run from this folder:  ./run.sh   (see README.md)
import PackageDescription

let package = Package(
    name: "ObolBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Obol", path: "../"),
        // The trait list replaces the package's default traits; without it the
        // default "RuntimeInterposer" trait pulls in a package that is not mirrored.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // What the benchmarks read of the C allocator (glibc's mallinfo2, which Swift's Glibc module omits).
        .target(name: "CBenchSupport", path: "CBenchSupport"),
        // The benchmark plugin only runs executables whose folder's parent is named "Benchmarks".
        .executableTarget(
            name: "ObolBenchmarks",
            dependencies: [
                .product(name: "ObolCore", package: "Obol"),
                .product(name: "ObolNode", package: "Obol"),
                .product(name: "ObolP2P", package: "Obol"),
                .product(name: "ObolStore", package: "Obol"),
                .product(name: "ObolWire", package: "Obol"),
                .product(name: "Benchmark", package: "benchmark"),
                "CBenchSupport",
            ],
            path: "ObolBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
