import ObolCore
@testable import ObolWire
import Testing

@Suite(.timeLimit(.minutes(1))) struct NoiseHandshakeTests {
    struct Pair {
        var initiator: HandshakeState
        var responder: HandshakeState
        let initiatorKey = NoiseKeyPair()
        let responderKey = NoiseKeyPair()

        init(initiatorParams: ChainParams = .devnet, responderParams: ChainParams = .devnet) {
            initiator = ObolNoise.handshake(role: .initiator, params: initiatorParams, staticKeyPair: initiatorKey)
            responder = ObolNoise.handshake(role: .responder, params: responderParams, staticKeyPair: responderKey)
        }
    }

    /// Runs the three messages; `tamper` may change message 1, 2 or 3 on the way.
    static func run(_ pair: inout Pair, tamper: (Int, inout [UInt8]) -> Void = { _, _ in })
        throws(NoiseError) -> (HandshakeResult, HandshakeResult) {
        var m1 = try pair.initiator.writeMessage(Array("hello".utf8)).message
        tamper(1, &m1)
        _ = try pair.responder.readMessage(m1)
        var m2 = try pair.responder.writeMessage(Array("from responder".utf8)).message
        tamper(2, &m2)
        _ = try pair.initiator.readMessage(m2)
        let written = try pair.initiator.writeMessage(Array("from initiator".utf8))
        var m3 = written.message
        tamper(3, &m3)
        let read = try pair.responder.readMessage(m3)
        guard let initiatorResult = written.result, let responderResult = read.result else { throw .outOfTurn }
        return (initiatorResult, responderResult)
    }

    @Test func randomKeysCompleteXXWithMatchingHashesAndStaticKeys() throws {
        var pair = Pair()
        let (i, r) = try Self.run(&pair)
        #expect(i.handshakeHash == r.handshakeHash)
        #expect(i.remoteStaticKey == pair.responderKey.publicKey)
        #expect(r.remoteStaticKey == pair.initiatorKey.publicKey)
        #expect(pair.initiator.isComplete && pair.responder.isComplete)
    }

    @Test func messagesHaveTheXXLengths() throws {
        var pair = Pair()
        let m1 = try pair.initiator.writeMessage().message
        #expect(m1.count == 32)  // e, empty plaintext payload
        _ = try pair.responder.readMessage(m1)
        let m2 = try pair.responder.writeMessage().message
        #expect(m2.count == 32 + 48 + 16)  // e, encrypted s, payload tag
        _ = try pair.initiator.readMessage(m2)
        let m3 = try pair.initiator.writeMessage().message
        #expect(m3.count == 48 + 16)
    }

    @Test func payloadsArriveIntact() throws {
        var pair = Pair()
        let m1 = try pair.initiator.writeMessage([1, 2, 3]).message
        let p1 = try pair.responder.readMessage(m1).payload
        let m2 = try pair.responder.writeMessage([4, 5]).message
        let p2 = try pair.initiator.readMessage(m2).payload
        let m3 = try pair.initiator.writeMessage([6]).message
        let p3 = try pair.responder.readMessage(m3).payload
        #expect(p1 == [1, 2, 3] && p2 == [4, 5] && p3 == [6])
    }

    @Test func writingOrReadingOutOfTurnThrows() throws {
        var pair = Pair()
        #expect(throws: NoiseError.outOfTurn) { try pair.responder.writeMessage() }
        #expect(throws: NoiseError.outOfTurn) { try pair.initiator.readMessage([UInt8](repeating: 9, count: 32)) }
        _ = try Self.run(&pair)
        #expect(throws: NoiseError.outOfTurn) { try pair.initiator.writeMessage() }
        #expect(throws: NoiseError.outOfTurn) { try pair.responder.readMessage([UInt8](repeating: 9, count: 64)) }
    }

    @Test func truncatedHandshakeMessagesThrowTooShort() throws {
        var pair = Pair()
        #expect(throws: NoiseError.messageTooShort(length: 31, minimum: 32)) {
            try pair.responder.readMessage([UInt8](repeating: 1, count: 31))
        }
        let m1 = try pair.initiator.writeMessage().message
        _ = try pair.responder.readMessage(m1)
        let m2 = try pair.responder.writeMessage().message
        #expect(throws: NoiseError.messageTooShort(length: 60, minimum: 80)) {
            try pair.initiator.readMessage(Array(m2.prefix(60)))
        }
        #expect(throws: NoiseError.messageTooShort(length: 90, minimum: 96)) {
            try pair.initiator.readMessage(Array(m2.prefix(90)))  // e and s whole, payload tag cut
        }
        // The failed reads left the state as it was: the genuine message still reads.
        _ = try pair.initiator.readMessage(m2)
    }

    /// Message 1 is not encrypted: a flipped bit there is caught when the
    /// initiator reads message 2 (the transcripts differ). In messages 2 and 3
    /// it is caught by the reader of that message. Either way: decryptionFailed.
    @Test(arguments: [1, 2, 3]) func aFlippedBitInAnyHandshakeMessageFailsDecryption(message: Int) throws {
        var length = 0
        do {
            var probe = Pair()
            _ = try Self.run(&probe) { index, bytes in if index == message { length = bytes.count } }
        }
        for byte in 0 ..< length {
            var pair = Pair()
            #expect(throws: NoiseError.decryptionFailed, "byte \(byte) of message \(message)") {
                try Self.run(&pair) { index, bytes in
                    if index == message { bytes[byte] ^= 1 << UInt8(byte % 8) }
                }
            }
        }
    }

    /// Nodes of different networks (different magic, hence prologue) cannot
    /// talk: the responder reads message 1 (unencrypted), but the initiator
    /// cannot decrypt message 2. Not the peer's fault: it is simply elsewhere.
    @Test func nodesOfDifferentNetworksFailAtMessageTwo() throws {
        #expect(ChainParams.devnet.magic != ChainParams.test.magic)
        var pair = Pair(initiatorParams: .devnet, responderParams: .test)
        let m1 = try pair.initiator.writeMessage().message
        _ = try pair.responder.readMessage(m1)
        let m2 = try pair.responder.writeMessage().message
        let error = #expect(throws: NoiseError.self) { try pair.initiator.readMessage(m2) }
        #expect(error == .decryptionFailed)
        #expect(error?.isPeerFault == false)
    }

    @Test func prologueIsLabelMagicAndVersionLittleEndian() {
        let prologue = ObolNoise.prologue(magic: 0x0B01_DE70, version: 1)
        #expect(Hex.encode(prologue) == Hex.encode(Array("obol/noise/v1".utf8)) + "70de010b" + "01000000")
        #expect(ObolNoise.prologue(for: .devnet) == ObolNoise.prologue(magic: ChainParams.devnet.magic,
                                                                         version: WireProtocol.version))
        #expect(prologue.count == 21)
    }

    @Test func differentProtocolVersionsFailTheHandshake() throws {
        let a = NoiseKeyPair(), b = NoiseKeyPair()
        var initiator = HandshakeState(role: .initiator, prologue: ObolNoise.prologue(magic: 7, version: 1), staticKeyPair: a)
        var responder = HandshakeState(role: .responder, prologue: ObolNoise.prologue(magic: 7, version: 2), staticKeyPair: b)
        _ = try responder.readMessage(initiator.writeMessage().message)
        let m2 = try responder.writeMessage().message
        #expect(throws: NoiseError.decryptionFailed) { try initiator.readMessage(m2) }
    }

    @Test func handshakeMessagesLongerThan65535BytesAreRefused() throws {
        var pair = Pair()
        #expect(throws: NoiseError.messageTooLong(length: 65_536)) {
            try pair.initiator.writeMessage([UInt8](repeating: 0, count: 65_536 - 32))
        }
        #expect(try pair.initiator.writeMessage([UInt8](repeating: 0, count: 65_535 - 32)).message.count == 65_535)
    }

    @Test func lowOrderEphemeralKeyIsRefused() throws {
        var pair = Pair()
        let zero = [UInt8](repeating: 0, count: 32)  // the identity point: DH output all zeros
        _ = try pair.responder.readMessage(zero)
        #expect(throws: NoiseError.invalidPublicKey) { try pair.responder.writeMessage() }
    }

    @Test func privateKeysMustBe32Bytes() throws {
        #expect(throws: NoiseError.invalidPrivateKey) { try NoiseKeyPair(privateKey: [UInt8](repeating: 1, count: 31)) }
        let key = NoiseKeyPair()
        #expect(try NoiseKeyPair(privateKey: key.privateKeyBytes).publicKey == key.publicKey)
    }
}
