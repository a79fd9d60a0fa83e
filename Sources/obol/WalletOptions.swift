import ArgumentParser
import Foundation
import ObolWallet

/// `--key-file PATH`.
struct WalletKeyFileOption: ParsableArguments {
    @Option(name: .customLong("key-file"), help: ArgumentHelp(
        "The wallet's key file (default: $OBOL_WALLET or ~/.obol/wallet.json).", valueName: "path"))
    var keyFile: String?

    var path: String { keyFile.map { Keystore.expandTilde($0) } ?? Keystore.defaultPath() }

    /// Where a new key file goes. A path given with --key-file must be in a directory that exists (a typo
    /// must not create directories); the default one's directory (~/.obol) is created as needed.
    func pathForNewFile() throws(WalletError) -> String {
        let path = path
        guard keyFile != nil else { return path }
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard directory.isEmpty || (FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory)
                                    && isDirectory.boolValue) else {
            throw WalletError(code: "no-directory", message: "--key-file: the directory \(directory) does not exist; "
                              + "create it first ('mkdir -p \(directory)')")
        }
        return path
    }
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
