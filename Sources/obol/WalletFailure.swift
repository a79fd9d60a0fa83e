import ArgumentParser
import Foundation
import ObolWallet

/// How wallet commands fail: one line on stderr and a non-zero exit, never
/// a stack trace. Bad input exits with 64 (usage), anything else with 1.
enum WalletFailure {
    /// Codes that mean the user typed something wrong.
    static let usageCodes: Set<String> = ["invalid-amount", "invalid-address", "invalid-url", "invalid-key",
                                          "invalid-data", "invalid-network", "invalid-kdf-cost"]

    static func run(_ body: () async throws(WalletError) -> Void) async throws {
        do {
            try await body()
        } catch {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw usageCodes.contains(error.code) ? ExitCode.validationFailure : ExitCode.failure
        }
    }
}
