import ObolCore

/// Converts between base units and the decimal coins people type and read
/// (1 coin = `ChainParams.coin` = 100,000,000 base units).
public enum CoinAmount {
    /// Decimal places of one base unit.
    public static let decimals = 8
    private static let coin = ChainParams.coin

    /// Parses `"1"`, `"1.5"` or `"0.00000001"` into base units. Rejects signs,
    /// exponents, separators, more than 8 decimal places and values beyond
    /// `UInt64`.
    public static func parse(_ text: String) throws(WalletError) -> UInt64 {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard isDigits(whole), parts.count == 1 || isDigits(fraction), fraction.count <= decimals else {
            throw invalid(text, "expected coins as a decimal number with at most \(decimals) decimal places, such as 1.5")
        }
        let padded = fraction + String(repeating: "0", count: decimals - fraction.count)
        guard let coins = UInt64(whole), let units = UInt64(padded) else { throw invalid(text, "too large") }
        let (scaled, overflow) = coins.multipliedReportingOverflow(by: coin)
        let (total, overflow2) = scaled.addingReportingOverflow(units)
        guard !overflow, !overflow2 else { throw invalid(text, "too large") }
        return total
    }

    /// Base units as decimal coins without trailing zeros: 150_000_000 → "1.5",
    /// 100_000_000 → "1", 1 → "0.00000001".
    public static func format(_ units: UInt64) -> String {
        let whole = units / coin
        let fraction = units % coin
        guard fraction != 0 else { return "\(whole)" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: decimals - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    private static func isDigits(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func invalid(_ text: String, _ why: String) -> WalletError {
        let shown = text.count <= 40 ? text : String(text.prefix(40)) + "…"
        return WalletError(code: "invalid-amount", message: "invalid amount \"\(shown)\": \(why)")
    }
}
