import ArgumentParser
import Foundation
import Obol

/// `obol spec`: a preset's chain spec as JSON, to edit into a network of one's own (`obol node --network FILE`).
struct SpecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec",
        abstract: "Print a network's chain spec as JSON: a starting point for a network of your own.",
        discussion: """
            Save it, change the name, networkID, magic and genesis fields (and the difficulty, rewards or \
            limits as you like), then start nodes with 'obol node --network FILE'. The node checks every \
            field's range when it loads the file.
            """
    )

    @Option(help: "The preset to print: devnet or test.")
    var network: String = "devnet"

    func validate() throws {
        guard ChainParams.preset(named: network) != nil else {
            throw ValidationError("--network must be devnet or test")
        }
    }

    func run() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(ChainParams.preset(named: network)!), as: UTF8.self))
    }
}
