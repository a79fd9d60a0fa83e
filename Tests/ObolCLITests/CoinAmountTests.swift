import ObolCore
import ObolWallet
import Testing

@Suite(.timeLimit(.minutes(1))) struct CoinAmountTests {
    @Test(arguments: [
        ("1", 100_000_000 as UInt64),
        ("1.5", 150_000_000),
        ("0.00000001", 1),
        ("0.1", 10_000_000),
        ("000.10000000", 10_000_000),
        ("0", 0),
        ("1000000", 1_000_000 * ChainParams.coin),
        ("184467440737.09551615", UInt64.max),
    ])
    func parsesDecimalCoins(text: String, units: UInt64) throws {
        #expect(try CoinAmount.parse(text) == units)
    }

    @Test(arguments: ["", ".", "1.", ".5", "-1", "+1", "1e3", "1,5", "1.123456789", " 1", "1 ", "abc", "1.2.3",
                      "0x10", "184467440737.09551616", "99999999999999999999", "١"])
    func rejectsEverythingElse(text: String) {
        #expect(throws: WalletError.self) { try CoinAmount.parse(text) }
        do {
            _ = try CoinAmount.parse(text)
        } catch {
            #expect(error.code == "invalid-amount")
            #expect(error.message.hasPrefix("invalid amount \""))
            #expect(!error.message.contains("\n"))
        }
    }

    @Test(arguments: [
        (150_000_000 as UInt64, "1.5"),
        (100_000_000, "1"),
        (1, "0.00000001"),
        (0, "0"),
        (1_000, "0.00001"),
        (123_456_789_012, "1234.56789012"),
        (UInt64.max, "184467440737.09551615"),
    ])
    func formatsWithoutTrailingZeros(units: UInt64, text: String) {
        #expect(CoinAmount.format(units) == text)
    }

    @Test(arguments: [0, 1, 7, 99_999_999, 100_000_001, 5_000_000_000, UInt64.max] as [UInt64])
    func formatThenParseRoundTrips(units: UInt64) throws {
        #expect(try CoinAmount.parse(CoinAmount.format(units)) == units)
    }
}
