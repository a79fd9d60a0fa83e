import ObolAPI
import Testing

@Suite struct APITokenTests {
    @Test func isSixtyFourLowerCaseHexDigitsAndNewEachTime() {
        let token = APIToken.random()
        #expect(token.hex.count == 64)
        #expect(token.hex.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(APIToken.random() != token)
        #expect(APIToken(hex: token.hex) == token)
        #expect(APIToken(hex: token.hex.uppercased()) == token)
        #expect(APIToken(hex: String(token.hex.dropLast())) == nil)
        #expect(APIToken(hex: String(repeating: "g", count: 64)) == nil)
    }

    @Test func neverPrintsTheSecret() {
        let token = APIToken.random()
        #expect(!"\(token)".contains(token.hex))
        #expect(!String(reflecting: token).contains(token.hex))
    }

    @Test func matchesOnlyItsOwnText() {
        let token = APIToken(bytes: Array(0..<32))
        #expect(token.matches(token.hex.utf8))
        var lastChanged = Array(token.hex.utf8)
        lastChanged[63] ^= 1
        #expect(!token.matches(lastChanged))
        var firstChanged = Array(token.hex.utf8)
        firstChanged[0] ^= 0x40
        #expect(!token.matches(firstChanged))
        #expect(!token.matches(token.hex.utf8.dropLast()))
        #expect(!token.matches(Array(token.hex.utf8) + [0]))
        #expect(!token.matches([UInt8]()))
        // A longer text that starts with the token is not the token.
        #expect(!token.matches(Array(token.hex.utf8) + Array(token.hex.utf8)))
    }
}
