import Foundation
import ObolWire
import Testing

@Suite(.timeLimit(.minutes(1))) struct WireProtocolTests {
    @Test func fixturesAreBundled() throws {
        let url = try #require(Bundle.module.url(forResource: "Noise_XX_25519_ChaChaPoly_SHA256", withExtension: "json",
                                                 subdirectory: "Fixtures"))
        #expect(try Data(contentsOf: url).count > 1_000)
        #expect(WireProtocol.version >= 1)
    }
}
