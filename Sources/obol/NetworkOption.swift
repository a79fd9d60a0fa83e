import ArgumentParser
import Foundation
import Obol

/// `--network`: a preset's name (devnet, test) or the path of a JSON chain spec.
enum NetworkOption {
    static let help: ArgumentHelp = "Network: devnet, test, or the path of a JSON chain spec."

    static func params(_ network: String) throws -> ChainParams {
        if let preset = ChainParams.preset(named: network) { return preset }
        guard FileManager.default.fileExists(atPath: network) else {
            throw CommandFailure("--network '\(network)' is neither devnet, test nor a chain spec file")
        }
        let json: Data
        do {
            json = try Data(contentsOf: URL(fileURLWithPath: network))
        } catch {
            throw CommandFailure("cannot read the chain spec '\(network)': \(error.localizedDescription)")
        }
        do {
            return try ChainParams.load(json: json)
        } catch {
            throw CommandFailure("chain spec '\(network)' is not valid: \(error)")
        }
    }
}
