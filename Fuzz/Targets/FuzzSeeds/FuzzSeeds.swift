import Foundation
import FuzzSupport

/// Writes the seed corpus: `FuzzSeeds DIRECTORY` creates DIRECTORY/<target>/seed-N for every target.
@main enum FuzzSeeds {
    static func main() throws {
        guard CommandLine.arguments.count == 2 else {
            FileHandle.standardError.write(Data("usage: FuzzSeeds CORPUS_DIRECTORY\n".utf8))
            exit(2)
        }
        let root = URL(fileURLWithPath: CommandLine.arguments[1])
        for (target, seeds) in SeedInputs.all().sorted(by: { $0.key < $1.key }) {
            let directory = root.appendingPathComponent(target)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (index, seed) in seeds.enumerated() {
                try Data(seed).write(to: directory.appendingPathComponent("seed-\(index)"))
            }
            print("\(target): \(seeds.count) seeds")
        }
    }
}
