import Foundation
import ObolCore
import ObolWallet
import Testing

/// Where a passphrase comes from: the passphrase file's first line, then `OBOL_PASSPHRASE`, then the
/// terminal (replaced here by a stub), and a clear error when there is none.
@Suite(.timeLimit(.minutes(1))) struct PassphraseReaderTests {
    static let noTerminal: @Sendable (String, Bool) throws(WalletError) -> String? = { _, _ in nil }

    static func file(_ contents: String) throws -> (dir: String, path: String) {
        let dir = KeystoreTests.scratchDirectory()
        let path = dir + "/passphrase.txt"
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return (dir, path)
    }

    @Test func theFileComesFirstAndOnlyItsFirstLineWithoutItsLineEndingCounts() throws {
        for contents in ["s3cret\n", "s3cret", "s3cret\r\n", "s3cret\nsecond line\n"] {
            let (dir, path) = try Self.file(contents)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let reader = PassphraseReader(file: path, environment: ["OBOL_PASSPHRASE": "from env"],
                                          terminal: Self.noTerminal)
            #expect(try reader.existing(for: "w.json") == "s3cret")
            #expect(try reader.new(for: "w.json") == "s3cret")
        }
    }

    @Test func theEnvironmentComesBeforeTheTerminal() throws {
        let reader = PassphraseReader(file: nil, environment: ["OBOL_PASSPHRASE": "from env"]) { _, _ throws(WalletError) in
            Issue.record("the terminal is not asked")
            return nil
        }
        #expect(try reader.existing(for: "w.json") == "from env")
    }

    @Test func theTerminalIsAskedTwiceForANewPassphraseAndAnEmptyOneIsRefused() throws {
        let reader = PassphraseReader(file: nil, environment: ["OBOL_PASSPHRASE": ""]) { prompt, confirm throws(WalletError) in
            #expect(prompt.contains("w.json"))
            return confirm ? "" : "typed"
        }
        #expect(try reader.existing(for: "w.json") == "typed")
        let error = #expect(throws: WalletError.self) { try reader.new(for: "w.json") }
        #expect(error?.code == "empty-passphrase")
    }

    @Test func withoutAnySourceTheErrorSaysHowToGiveOne() {
        let reader = PassphraseReader(file: nil, environment: [:], terminal: Self.noTerminal)
        let error = #expect(throws: WalletError.self) { try reader.existing(for: "/k/w.json") }
        #expect(error?.code == "no-passphrase")
        #expect(error?.message.contains("--passphrase-file") == true && error?.message.contains("OBOL_PASSPHRASE") == true)
        #expect(error?.message.contains("/k/w.json") == true)
        #expect(error?.message.contains("\n") == false)
    }

    @Test func anEmptyOrMissingFileIsAClearError() throws {
        let (dir, path) = try Self.file("\nsecond\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = PassphraseReader(file: path, environment: [:], terminal: Self.noTerminal)
        #expect((#expect(throws: WalletError.self) { try empty.existing(for: "w.json") })?.code == "empty-passphrase")
        let missing = PassphraseReader(file: dir + "/absent", environment: [:], terminal: Self.noTerminal)
        let error = #expect(throws: WalletError.self) { try missing.existing(for: "w.json") }
        #expect(error?.message.contains(dir + "/absent") == true)
    }
}

/// What `wallet send` checks about the node before it signs: the network, and a plausible next nonce.
@Suite struct NodePinningTests {
    @Test func aNodeOfAnotherNetworkNameOrIdIsRefusedNamingBoth() throws {
        let devnet = KeyFileNetwork(name: "devnet", id: 7)
        #expect(devnet.mismatch(nodeNetwork: "devnet", id: 7, keyFile: "w.json") == nil)
        let byName = try #require(devnet.mismatch(nodeNetwork: "test", id: 7, keyFile: "w.json"))
        #expect(byName.code == "wrong-network")
        #expect(byName.message.contains("test (id 7)") && byName.message.contains("devnet (id 7)"))
        #expect(devnet.mismatch(nodeNetwork: "devnet", id: 8, keyFile: "w.json") != nil)
    }

    static func account(nonce: UInt64, pendingNonce: UInt64) -> AccountResponse {
        AccountResponse(address: PrivateKey.generate().publicKey.address, balance: 1, spendable: 1, maturing: [],
                        nextHeight: 1, nonce: nonce, pendingNonce: pendingNonce, transactions: [])
    }

    @Test(arguments: [(5, 5, true), (5, 6, true), (5, 69, true), (5, 70, false), (5, 4, false), (0, .max, false)]
          as [(UInt64, UInt64, Bool)])
    func aNextNonceBelowTheConfirmedOneOrFarAboveIsRefused(nonce: UInt64, pendingNonce: UInt64, accepted: Bool) {
        let refusal = Self.account(nonce: nonce, pendingNonce: pendingNonce).nonceRefusal(node: "http://n")
        #expect((refusal == nil) == accepted)
        if let refusal { #expect(refusal.code == "implausible-nonce" && refusal.message.contains("http://n")) }
    }
}
