import ObolCore
import ObolWallet

/// Parses the values wallet commands take, with one-line errors that name
/// the flag.
enum WalletArguments {
    static func address(_ text: String, flag: String) throws(WalletError) -> Address {
        guard let address = Address(text) else {
            let shown = text.count <= 90 ? text : String(text.prefix(90)) + "…"
            throw WalletError(code: "invalid-address",
                              message: "\(flag): \"\(shown)\" is not a valid obol address (check for a typo: "
                                  + "the checksum catches any mistyped character)")
        }
        return address
    }

    static func amount(_ text: String, flag: String) throws(WalletError) -> UInt64 {
        do {
            return try CoinAmount.parse(text)
        } catch {
            throw WalletError(code: error.code, message: "\(flag): \(error.message)")
        }
    }

    static func data(_ text: String?) throws(WalletError) -> [UInt8] {
        let bytes = Array((text ?? "").utf8)
        guard bytes.count <= Limits.maxTransferData else {
            throw WalletError(code: "invalid-data",
                              message: "--data: \(bytes.count) bytes of UTF-8, at most \(Limits.maxTransferData) allowed")
        }
        return bytes
    }
}
