import Foundation

/// Where a key file's passphrase comes from, in this order: the first line of a passphrase file (its
/// trailing newline stripped), the environment variable `OBOL_PASSPHRASE` (when not empty), and the
/// terminal, asked without echo (`TerminalPassphrase`). Never a command-line argument: other users of the
/// machine can read those (`ps`), and shells keep them in their history.
public struct PassphraseReader: Sendable {
    /// The environment variable read when no passphrase file is given.
    public static let environmentVariable = "OBOL_PASSPHRASE"
    /// The most bytes read from a passphrase file.
    static let maxFileBytes = 64 << 10

    /// The passphrase file (`--passphrase-file`), if any.
    public var file: String?
    public var environment: [String: String]
    /// Asks the terminal (prompt, confirm) and returns nil when there is no terminal. Replaceable in tests.
    public var terminal: @Sendable (_ prompt: String, _ confirm: Bool) throws(WalletError) -> String?

    public init(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                terminal: @escaping @Sendable (_ prompt: String, _ confirm: Bool) throws(WalletError) -> String?
                    = TerminalPassphrase.ask) {
        self.file = file
        self.environment = environment
        self.terminal = terminal
    }

    /// The passphrase of the existing key file at `keyFile` (named in the prompt and the errors).
    public func existing(for keyFile: String) throws(WalletError) -> String {
        try read(prompt: "Passphrase for \(keyFile): ", confirm: false, keyFile: keyFile)
    }

    /// A passphrase for a new (or newly encrypted) key file at `keyFile`: asked twice on a terminal, and
    /// never empty.
    public func new(for keyFile: String) throws(WalletError) -> String {
        let passphrase = try read(prompt: "New passphrase for \(keyFile): ", confirm: true, keyFile: keyFile)
        guard !passphrase.isEmpty else {
            throw WalletError(code: "empty-passphrase", message: "refusing an empty passphrase for key file \(keyFile)")
        }
        return passphrase
    }

    private func read(prompt: String, confirm: Bool, keyFile: String) throws(WalletError) -> String {
        if let file {
            let line = try Self.firstLine(of: file)
            guard !line.isEmpty else {
                throw WalletError(code: "empty-passphrase", message: "the passphrase file \(file) has an empty first line")
            }
            return line
        }
        if let value = environment[Self.environmentVariable], !value.isEmpty { return value }
        if let typed = try terminal(prompt, confirm) { return typed }
        throw WalletError(code: "no-passphrase", message: "no passphrase for key file \(keyFile): give it with "
                          + "--passphrase-file PATH or the \(Self.environmentVariable) environment variable "
                          + "(there is no terminal to ask on)")
    }

    /// The first line of the file at `path`, without its line ending (`\n` or `\r\n`).
    static func firstLine(of path: String) throws(WalletError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw WalletError(code: "no-passphrase-file", message: "cannot read the passphrase file \(path)")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maxFileBytes)) ?? Data()
        var line = data.prefix { $0 != UInt8(ascii: "\n") }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard let text = String(data: line, encoding: .utf8) else {
            throw WalletError(code: "invalid-passphrase-file", message: "the passphrase file \(path) is not UTF-8 text")
        }
        return text
    }
}
