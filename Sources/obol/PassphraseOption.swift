import ArgumentParser
import Foundation
import ObolCore
import ObolWallet

/// `--passphrase-file PATH`: where an encrypted key file's passphrase comes from. In order: the first line
/// of that file, `$OBOL_PASSPHRASE`, the terminal without echo (asked twice for a new passphrase); with none
/// of them (no terminal, as in scripts and tests) a one-line error says how to give one. There is no
/// `--passphrase` option on purpose: command lines are visible to other users and kept in shell histories.
struct PassphraseOption: ParsableArguments {
    @Option(name: .customLong("passphrase-file"), help: ArgumentHelp(
        "Read the key file's passphrase from the first line of this file (else $OBOL_PASSPHRASE, else the terminal).",
        valueName: "path"))
    var passphraseFile: String?

    /// The reader these options describe.
    var reader: PassphraseReader {
        PassphraseReader(file: passphraseFile.map { Keystore.expandTilde($0) })
    }

    /// The passphrase of the existing key file at `keyFile`.
    func existing(for keyFile: String) throws(WalletError) -> String {
        try reader.existing(for: keyFile)
    }

    /// A new passphrase for the key file at `keyFile` (asked twice on a terminal, never empty).
    func new(for keyFile: String) throws(WalletError) -> String {
        try reader.new(for: keyFile)
    }

    /// Loads the key in the file at `path`, asking for the passphrase only when the file is encrypted, and
    /// printing the plain-file warning to stderr when it is not.
    func unlock(_ path: String) throws(WalletError) -> (header: KeyFileHeader, key: PrivateKey) {
        let reader = reader
        let unlocked = try Keystore.unlock(at: path) { () throws(WalletError) in try reader.existing(for: path) }
        WalletWarning.show(unlocked.header)
        return unlocked
    }
}

/// Warnings wallet commands print on stderr.
enum WalletWarning {
    /// The plain-file warning, for a plain (version 1) key file.
    static func show(_ header: KeyFileHeader) {
        if let warning = header.plainWarning { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
    }
}
