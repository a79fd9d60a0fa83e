#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a passphrase from the controlling terminal (`/dev/tty`, not stdin, which may carry a key or be a
/// pipe) with echo turned off. Echo is restored on every way out: a normal return, an error, and SIGINT,
/// SIGTERM or SIGHUP while waiting (the handler restores the terminal, then lets the signal end the process
/// as it would have).
public enum TerminalPassphrase {
    /// The longest line read (bytes); the rest of a longer line is discarded.
    static let maxBytes = 1024

    /// Asks with `prompt` (twice when `confirm`: the two must match) and returns the line typed, or nil when
    /// the process has no terminal.
    public static func ask(prompt: String, confirm: Bool) throws(WalletError) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let first = try readLine(fd: fd, prompt: prompt) else { return nil }
        guard confirm else { return first }
        guard let second = try readLine(fd: fd, prompt: "Repeat it: ") else { return nil }
        guard first == second else {
            throw WalletError(code: "passphrase-mismatch", message: "the two passphrases typed differ")
        }
        return first
    }

    /// Writes `prompt` to the terminal `fd` and reads one line with echo off; nil when `fd` is no terminal.
    private static func readLine(fd: Int32, prompt: String) throws(WalletError) -> String? {
        var original = termios()
        guard tcgetattr(fd, &original) == 0 else { return nil }
        var silent = original
        silent.c_lflag &= ~tcflag_t(ECHO)
        silent.c_lflag |= tcflag_t(ECHONL)  // the Enter key still moves to the next line
        EchoGuard.arm(fd: fd, original: original)
        defer { EchoGuard.disarm() }
        guard tcsetattr(fd, TCSAFLUSH, &silent) == 0 else { return nil }
        show(prompt, on: fd)
        var line = [UInt8]()
        var byte: UInt8 = 0
        while true {
            let n = read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 || byte == UInt8(ascii: "\n") { break }
            if line.count < maxBytes { line.append(byte) }
        }
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard let text = String(validating: line, as: UTF8.self) else {
            throw WalletError(code: "invalid-passphrase", message: "the passphrase typed is not UTF-8 text")
        }
        return text
    }

    private static func show(_ text: String, on fd: Int32) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}

/// The terminal settings to put back if a signal ends the process while echo is off. Only one passphrase
/// is read at a time (commands ask in sequence), so one slot is enough. The slots are unsynchronized
/// globals (`nonisolated(unsafe)`) because a C signal handler can capture nothing and may take no lock;
/// they are written only by `arm` and `disarm`, on the one thread that reads the passphrase.
private enum EchoGuard {
    nonisolated(unsafe) static var fd: Int32 = -1
    nonisolated(unsafe) static var original = termios()
    nonisolated(unsafe) static var previous: [(@convention(c) (Int32) -> Void)?] = []
    static let signals = [SIGINT, SIGTERM, SIGHUP]

    static func arm(fd: Int32, original: termios) {
        Self.original = original
        Self.fd = fd
        previous = signals.map { number in
            signal(number) { received in
                // Async-signal-safe calls only: restore the terminal, then die of the signal as without us.
                if EchoGuard.fd >= 0 { _ = tcsetattr(EchoGuard.fd, TCSAFLUSH, &EchoGuard.original) }
                _ = signal(received, SIG_DFL)
                _ = raise(received)
            }
        }
    }

    /// Restores the terminal and the signal handlers found by `arm`.
    static func disarm() {
        if fd >= 0 { _ = tcsetattr(fd, TCSAFLUSH, &original) }
        fd = -1
        for (number, handler) in zip(signals, previous) { _ = signal(number, handler) }
        previous = []
    }
}
