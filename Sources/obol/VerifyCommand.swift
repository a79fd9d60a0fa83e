import ArgumentParser
import Foundation
import Obol

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Replay a data directory's chain from genesis and check the stored state against it.",
        discussion: """
            Opens the store read-only (stop the node first), replays the best chain with every consensus rule \
            and no cache, and compares the accounts, the block, transaction and address indexes, the undo data \
            and the tip with the replay's, then runs SQLite's integrity check. Exits 0 when all agree; otherwise \
            prints one line per disagreement, naming the table, and exits 1.
            """
    )

    @Option(name: .customLong("data-dir"), help: "The node's data directory (the one holding chain.sqlite).")
    var dataDir: String

    @Option(help: NetworkOption.help)
    var network: String = "devnet"

    func run() throws {
        let params = try NetworkOption.params(network)
        let directory = URL(fileURLWithPath: dataDir)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure("--data-dir '\(dataDir)' is not a directory")
        }
        let verifier = StoreVerifier(dataDirectory: directory, params: params)
        guard FileManager.default.fileExists(atPath: verifier.path) else {
            throw CommandFailure("no chain store in '\(dataDir)': \(SQLiteChainStore.fileName) does not exist")
        }
        var display = ProgressDisplay(terminal: isatty(STDERR_FILENO) != 0)
        let result: StoreVerification
        do {
            result = try verifier.verify(now: UInt64(Date().timeIntervalSince1970)) { display.show($0) }
        } catch {
            display.finish()
            throw CommandFailure("cannot verify '\(dataDir)': \(error.message)")
        }
        display.finish()
        for disagreement in result.disagreements { print(disagreement) }
        let summary = "\(result.blocksReplayed) blocks replayed to tip \(result.tip) at height \(result.height), "
            + Self.count(result.sideEntriesChecked, "entry", "entries") + " off the best chain checked"
            + (result.blocksBeyondTip > 0
                ? ", " + Self.count(result.blocksBeyondTip, "valid block", "valid blocks")
                    + " beyond the tip (reconnected at start-up)"
                : "")
        if result.isClean {
            print("verify: ok: \(summary); integrity_check ok")
        } else {
            let count = Self.count(result.disagreements.count, "disagreement", "disagreements")
            print("verify: \(count) (\(result.tables.joined(separator: ", "))); \(summary)")
            throw ExitCode(1)
        }
    }

    private static func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
}
