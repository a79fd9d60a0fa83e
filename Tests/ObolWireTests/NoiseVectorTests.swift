import Foundation
import ObolCore
@testable import ObolWire
import Testing

/// The published cacophony/snow vectors for Noise_XX_25519_ChaChaPoly_SHA256:
/// fixed static and ephemeral keys, prologue, then handshake messages 1-3 and
/// transport messages, alternating between initiator and responder.
@Suite(.timeLimit(.minutes(1))) struct NoiseVectorTests {
    struct Vector: Decodable {
        struct Message: Decodable {
            var payload: String
            var ciphertext: String
        }

        var protocol_name: String
        var init_prologue: String
        var init_static: String
        var init_ephemeral: String
        var resp_prologue: String
        var resp_static: String
        var resp_ephemeral: String
        var handshake_hash: String?
        var messages: [Message]
    }

    struct File: Decodable {
        var vectors: [Vector]
    }

    static func vectors() throws -> [Vector] {
        let url = try #require(Bundle.module.url(forResource: "Noise_XX_25519_ChaChaPoly_SHA256", withExtension: "json",
                                                 subdirectory: "Fixtures"))
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).vectors
    }

    static func bytes(_ hex: String) throws -> [UInt8] {
        try #require(Hex.decode(hex), "bad hex in the fixture")
    }

    @Test func fixtureHoldsXXVectorsWithTransportMessages() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count == 2)
        for vector in vectors {
            #expect(vector.protocol_name == HandshakeState.protocolName)
            #expect(vector.messages.count > 3)
        }
    }

    @Test(arguments: 0 ..< 2) func everyVectorMessageMatchesByteForByte(index: Int) throws {
        let vector = try Self.vectors()[index]
        let initiatorStatic = try NoiseKeyPair(privateKey: Self.bytes(vector.init_static))
        let responderStatic = try NoiseKeyPair(privateKey: Self.bytes(vector.resp_static))
        var initiator = HandshakeState(role: .initiator, prologue: try Self.bytes(vector.init_prologue),
                                       staticKeyPair: initiatorStatic,
                                       ephemeralKeys: .fixed(try NoiseKeyPair(privateKey: Self.bytes(vector.init_ephemeral))))
        var responder = HandshakeState(role: .responder, prologue: try Self.bytes(vector.resp_prologue),
                                       staticKeyPair: responderStatic,
                                       ephemeralKeys: .fixed(try NoiseKeyPair(privateKey: Self.bytes(vector.resp_ephemeral))))

        var initiatorResult: HandshakeResult?
        var responderResult: HandshakeResult?
        for (i, message) in vector.messages.prefix(3).enumerated() {
            let payload = try Self.bytes(message.payload)
            let expected = try Self.bytes(message.ciphertext)
            if i % 2 == 0 {
                let written = try initiator.writeMessage(payload)
                #expect(written.message == expected, "handshake message \(i + 1)")
                let read = try responder.readMessage(written.message)
                #expect(read.payload == payload, "handshake payload \(i + 1)")
                initiatorResult = written.result
                responderResult = read.result
            } else {
                let written = try responder.writeMessage(payload)
                #expect(written.message == expected, "handshake message \(i + 1)")
                let read = try initiator.readMessage(written.message)
                #expect(read.payload == payload, "handshake payload \(i + 1)")
                #expect(written.result == nil && read.result == nil)
            }
        }
        let initiatorDone = try #require(initiatorResult)
        let responderDone = try #require(responderResult)
        #expect(initiatorDone.handshakeHash == responderDone.handshakeHash)
        if let hash = vector.handshake_hash {
            #expect(initiatorDone.handshakeHash == (try Self.bytes(hash)))
        }
        #expect(initiatorDone.remoteStaticKey == responderStatic.publicKey)
        #expect(responderDone.remoteStaticKey == initiatorStatic.publicKey)

        // Transport messages: Noise messages with empty AD, framed by a 2-byte big-endian length.
        var initiatorTransport = NoiseTransport(initiatorDone)
        var responderTransport = NoiseTransport(responderDone)
        for (i, message) in vector.messages.enumerated().dropFirst(3) {
            let payload = try Self.bytes(message.payload)
            let expected = try Self.bytes(message.ciphertext)
            let framed = i % 2 == 0 ? try initiatorTransport.encrypt(payload) : try responderTransport.encrypt(payload)
            #expect(framed == [UInt8(expected.count >> 8), UInt8(expected.count & 0xff)] + expected,
                    "transport message \(i + 1)")
            let received = i % 2 == 0 ? try responderTransport.receive(framed) : try initiatorTransport.receive(framed)
            #expect(received == payload, "transport payload \(i + 1)")
        }
    }

    /// RFC 5869 test case 3 (SHA-256, empty salt, empty info): Noise's HKDF with
    /// ck = salt yields the first 64 bytes of that OKM.
    @Test func hkdfMatchesRFC5869() throws {
        let ikm = [UInt8](repeating: 0x0b, count: 22)
        let outputs = SymmetricState.hkdf(chainingKey: [], inputKeyMaterial: ikm, count: 3)
        let okm = Hex.encode((outputs[0] + outputs[1]).prefix(42))
        #expect(okm == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
        #expect(outputs[2].count == 32)
        #expect(SymmetricState.hkdf2(chainingKey: [], inputKeyMaterial: ikm) == (outputs[0], outputs[1]))
    }

    @Test func protocolNameOfExactly32BytesIsUsedAsTheInitialHash() {
        let state = SymmetricState(protocolName: HandshakeState.protocolName)
        #expect(state.handshakeHash == Array(HandshakeState.protocolName.utf8))
        #expect(state.chainingKey == state.handshakeHash)
        let long = SymmetricState(protocolName: "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2s")
        #expect(long.handshakeHash.count == 32)
    }
}
