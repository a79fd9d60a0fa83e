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

    /// Refuses, before any passphrase is asked, a path where something (even a dangling link) exists.
    static func refuseExisting(_ path: String) throws(WalletError) {
        var info = stat()
        guard lstat(path, &info) != 0 else {
            throw WalletError(code: "key-file-exists", message: "key file \(path) already exists; refusing to overwrite it")
        }
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

/// `--network`: the network a new or newly encrypted key file records (devnet by default).
struct WalletNetworkOption: ParsableArguments {
    @Option(help: NetworkOption.help) var network = "devnet"

    func resolve() throws(WalletError) -> KeyFileNetwork {
        do {
            return KeyFileNetwork(try NetworkOption.params(network))
        } catch {
            throw WalletError(code: "invalid-network", message: "\(error)")
        }
    }
}

/// `--scrypt-log2n N` (hidden): the scrypt cost of a new or newly encrypted key file, N = 2^n rounds, 17 by
/// default. It exists so that the process tests stay fast (they use 10); docs/WALLET.md says so.
struct ScryptCostOption: ParsableArguments {
    @Option(name: .customLong("scrypt-log2n"), help: .hidden)
    var log2N: Int?

    func parameters() throws(WalletError) -> ScryptParameters {
        var parameters = ScryptParameters.standard
        if let log2N { parameters.log2N = log2N }
        if let refusal = parameters.refusal() {
            throw WalletError(code: "invalid-kdf-cost", message: "--scrypt-log2n: \(refusal.message)")
        }
        return parameters
    }
}
