import ArgumentParser
import Foundation
import ObolWallet

/// `--key-file PATH`.
struct WalletKeyFileOption: ParsableArguments {
    @Option(name: .customLong("key-file"), help: ArgumentHelp(
        "The wallet's key file (default: $OBOL_WALLET or ~/.obol/wallet.json).", valueName: "path"))
    var keyFile: String?

    var path: String { keyFile.map { Keystore.expandTilde($0) } ?? Keystore.defaultPath() }
}

/// `--node URL`.
struct WalletNodeOption: ParsableArguments {
    @Option(name: .customLong("node"), help: ArgumentHelp(
        "The node's HTTP API (default: $OBOL_NODE or \(NodeClient.defaultURL)).", valueName: "url"))
    var node: String?

    var url: String {
        if let node { return node }
        if let fromEnvironment = ProcessInfo.processInfo.environment["OBOL_NODE"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return NodeClient.defaultURL
    }

    func client() throws(WalletError) -> NodeClient { try NodeClient(url: url) }
}
