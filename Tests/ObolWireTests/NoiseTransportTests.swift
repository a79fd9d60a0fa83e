import ObolCore
@testable import ObolWire
import Testing

@Suite(.timeLimit(.minutes(1))) struct NoiseTransportTests {
    /// Two transports over a completed XX handshake between random keys.
    static func connectedPair(rekeyInterval: UInt64 = NoiseTransport.defaultRekeyInterval,
                              responderRekeyInterval: UInt64? = nil) throws -> (NoiseTransport, NoiseTransport) {
        var pair = NoiseHandshakeTests.Pair()
        let (i, r) = try NoiseHandshakeTests.run(&pair)
        return (NoiseTransport(i, rekeyInterval: rekeyInterval),
                NoiseTransport(r, rekeyInterval: responderRekeyInterval ?? rekeyInterval))
    }

    static func pattern(_ count: Int, seed: UInt8) -> [UInt8] {
        (0 ..< count).map { UInt8(truncatingIfNeeded: $0 &* 31) ^ seed }
    }

    @Test func tenMessagesEachWayIncluding200KBAcrossRekeys() throws {
        var (initiator, responder) = try Self.connectedPair(rekeyInterval: 4)
        for round in 0 ..< 10 {
            let size = round == 5 ? 200 * 1024 : 1 + round * 1000
            let toResponder = Self.pattern(size, seed: UInt8(round))
            let toInitiator = Self.pattern(size + 7, seed: UInt8(100 + round))
            let wire1 = try initiator.encrypt(toResponder)
            let got1 = try responder.receive(wire1)
            let wire2 = try responder.encrypt(toInitiator)
            let got2 = try initiator.receive(wire2)
            #expect(got1 == toResponder, "round \(round) initiator → responder")
            #expect(got2 == toInitiator, "round \(round) responder → initiator")
            #expect(!wire1.isEmpty && wire1 != toResponder)
        }
        // 9 single-message writes + 4 messages for 200 KB, each way: three rekeys each way.
        #expect(initiator.messagesSent == 13 && responder.messagesReceived == 13)
        #expect(responder.messagesSent == 13 && initiator.messagesReceived == 13)
    }

    @Test func largeWritesAreSplitIntoMessagesOfAtMost65535Bytes() throws {
        var (initiator, responder) = try Self.connectedPair()
        let plaintext = Self.pattern(200 * 1024, seed: 1)
        let wire = try initiator.encrypt(plaintext)
        var buffer = NoiseFrameBuffer()
        buffer.append(wire)
        var lengths: [Int] = []
        var received: [UInt8] = []
        while let message = try buffer.nextMessage() {
            lengths.append(message.count)
            received += try responder.decryptMessage(message)
        }
        #expect(lengths == [65_535, 65_535, 65_535, 204_800 - 3 * 65_519 + 16])
        #expect(received == plaintext)
        #expect(wire.count == plaintext.count + 4 * (2 + 16))
    }

    @Test func streamBytesArrivingOneAtATimeDecryptInOrder() throws {
        var (initiator, responder) = try Self.connectedPair()
        let plaintext = Self.pattern(1000, seed: 9) + Self.pattern(70_000, seed: 3)
        let wire = try initiator.encrypt(Array(plaintext.prefix(1000))) + initiator.encrypt(Array(plaintext.dropFirst(1000)))
        var received: [UInt8] = []
        for byte in wire {
            received += try responder.receive(CollectionOfOne(byte))
        }
        #expect(received == plaintext)
    }

    @Test func emptyWriteSendsNothing() throws {
        var (initiator, _) = try Self.connectedPair()
        #expect(try initiator.encrypt([]).isEmpty)
        #expect(initiator.messagesSent == 0)
    }

    @Test func aFlippedBitInATransportMessageFailsDecryption() throws {
        let (initiator, responder) = try Self.connectedPair()
        var sender = initiator
        let message = try sender.encryptMessage(Self.pattern(100, seed: 5))
        for byte in message.indices {
            var tampered = message
            tampered[byte] ^= 1 << UInt8(byte % 8)
            var receiver = responder
            let error = #expect(throws: NoiseError.self, "byte \(byte)") { try receiver.decryptMessage(tampered) }
            #expect(error == .decryptionFailed)
            #expect(receiver.messagesReceived == 0)
        }
        var receiver = responder
        #expect(try receiver.decryptMessage(message) == Self.pattern(100, seed: 5))
    }

    @Test func aFlippedBitOnTheStreamFailsReceive() throws {
        var (initiator, responder) = try Self.connectedPair()
        var wire = try initiator.encrypt(Self.pattern(500, seed: 2))
        wire[200] ^= 0x40
        #expect(throws: NoiseError.decryptionFailed) { try responder.receive(wire) }
    }

    @Test func truncatedOrReorderedMessagesFail() throws {
        var (initiator, responder) = try Self.connectedPair()
        let first = try initiator.encryptMessage([1, 2, 3])
        let second = try initiator.encryptMessage([4, 5, 6])
        var receiver = responder
        #expect(throws: NoiseError.decryptionFailed) { try receiver.decryptMessage(second) }  // replay/reorder
        #expect(throws: NoiseError.messageTooShort(length: 15, minimum: 16)) {
            try receiver.decryptMessage(Array(first.prefix(15)))
        }
        #expect(try responder.decryptMessage(first) == [1, 2, 3])
        #expect(try responder.decryptMessage(second) == [4, 5, 6])
    }

    @Test func aZeroLengthFrameIsRefused() throws {
        var (_, responder) = try Self.connectedPair()
        #expect(throws: NoiseError.emptyFrame) { try responder.receive([0, 0, 1, 2]) }
    }

    /// The rekey really changes the key: a receiver that does not rekey at
    /// the same count fails on the first message after the boundary.
    @Test func sidesThatRekeyAtDifferentCountsFailAtTheBoundary() throws {
        var (initiator, responder) = try Self.connectedPair(rekeyInterval: 3, responderRekeyInterval: 1_000)
        for n in 0 ..< 3 {
            #expect(try responder.receive(initiator.encrypt([UInt8(n)])) == [UInt8(n)])
        }
        let afterRekey = try initiator.encrypt([9])
        #expect(throws: NoiseError.decryptionFailed) { try responder.receive(afterRekey) }
    }

    /// k' = ENCRYPT(k, 2^64 - 1, "", 32 zero bytes)[0..<32], nonce kept. Expected
    /// ciphertext computed independently (Python `cryptography`'s ChaCha20Poly1305).
    @Test func rekeyFollowsTheSpecAndKeepsTheNonce() throws {
        var a = CipherState(key: [UInt8](repeating: 7, count: 32))
        var b = a
        let first = try a.encrypt([1])
        #expect(try b.decrypt(first) == [1])
        a.rekey()
        b.rekey()
        #expect(a.nonce == 1 && b.nonce == 1)
        let ciphertext = try a.encrypt([42])
        #expect(Hex.encode(ciphertext) == "84d7c8ac6cca8991200e189dccd08809b9")
        #expect(try b.decrypt(ciphertext) == [42])
    }

    @Test func theLastNonceIsReserved() throws {
        var cipher = CipherState(key: [UInt8](repeating: 7, count: 32))
        cipher.setNonce(.max - 1)
        _ = try cipher.encrypt([UInt8]())
        #expect(cipher.nonce == .max)
        #expect(throws: NoiseError.nonceExhausted) { try cipher.encrypt([1]) }
    }

    @Test func aCipherStateWithoutKeyPassesBytesThrough() throws {
        var cipher = CipherState()
        #expect(!cipher.hasKey)
        #expect(try cipher.encrypt([1, 2, 3], authenticating: [9]) == [1, 2, 3])
        #expect(try cipher.decrypt([1, 2, 3], authenticating: [9]) == [1, 2, 3])
        #expect(cipher.nonce == 0)
    }

    @Test func frameHelperPrefixesTheBigEndianLength() throws {
        #expect(try NoiseFrameBuffer.frame([UInt8](repeating: 0xaa, count: 258)).prefix(3) == [0x01, 0x02, 0xaa])
        #expect(throws: NoiseError.messageTooLong(length: 65_536)) {
            try NoiseFrameBuffer.frame([UInt8](repeating: 0, count: 65_536))
        }
        var buffer = NoiseFrameBuffer()
        buffer.append(try NoiseFrameBuffer.frame([UInt8](repeating: 1, count: 65_535)) + [0x00])
        #expect(try buffer.nextMessage()?.count == 65_535)
        #expect(try buffer.nextMessage() == nil)
        #expect(buffer.bufferedCount == 1)
    }
}
