import ObolCore
import ObolTestSupport
import Testing

/// Every value decodes back to itself, and its encoding is canonical
/// (decoding then re-encoding gives the same bytes).
@Suite(.timeLimit(.minutes(1))) struct BinaryCodableTests {
    static let seeds: [UInt64] = Array(1...25)

    func roundTrip<T: BinaryCodable & Equatable>(_ value: T) throws -> T {
        let bytes = value.encoded
        let decoded = try T(decoding: bytes)
        #expect(decoded.encoded == bytes)
        return decoded
    }

    @Test(arguments: seeds)
    func headerRoundTrips(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let header = rng.header()
        #expect(header.encoded.count == BlockHeader.size)
        #expect(try roundTrip(header) == header)
        #expect(Array(header.encoded.suffix(8)) == header.nonce.littleEndianBytes)
    }

    @Test(arguments: seeds)
    func transferRoundTrips(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<10 {
            let transfer = rng.transfer()
            #expect(transfer.encoded.count == transfer.size)
            let decoded = try roundTrip(transfer)
            #expect(decoded == transfer)
            #expect(decoded.id == transfer.id)
            #expect(try Transaction(decoding: transfer.encoded) == .transfer(transfer))
        }
    }

    @Test func transferDataSizesAtTheLimits() throws {
        let chain = ChainBuilder()
        for size in [0, 1, 255, Limits.maxTransferData] {
            let transfer = chain.transfer(to: ChainBuilder.testAddress(1), amount: 1, data: [UInt8](repeating: 0xAB, count: size))
            #expect(try roundTrip(transfer) == transfer)
        }
    }

    @Test(arguments: seeds)
    func coinbaseRoundTrips(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        for _ in 0..<10 {
            let coinbase = rng.coinbase()
            #expect(coinbase.encoded.count == coinbase.size)
            #expect(try roundTrip(coinbase) == coinbase)
            #expect(try Transaction(decoding: coinbase.encoded) == .coinbase(coinbase))
        }
    }

    @Test(arguments: seeds)
    func blockRoundTrips(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let block = rng.block()
        #expect(block.encoded.count == block.size)
        #expect(try roundTrip(block) == block)
    }

    @Test func minedChainBlocksRoundTrip() throws {
        var chain = ChainBuilder()
        chain.addTransfer(to: ChainBuilder.testAddress(1), amount: 5, data: Array("hello".utf8))
        chain.addTransfer(to: ChainBuilder.testAddress(2), amount: 6)
        try chain.mine()
        for block in chain.blocks {
            let decoded = try roundTrip(block)
            #expect(decoded == block)
            #expect(decoded.hash == block.hash)
        }
    }

    @Test(arguments: seeds)
    func blockUndoRoundTrips(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let undo = rng.blockUndo()
        #expect(try roundTrip(undo) == undo)
    }

    @Test func blockUndoEncodingIsIndependentOfInsertionOrder() {
        var rng = SeededRandom(seed: 99)
        let entries = (0..<10).map { _ in (rng.address(), Account(balance: rng.next(), nonce: rng.next()) as Account?) }
        let forward = BlockUndo(previous: Dictionary(uniqueKeysWithValues: entries))
        let backward = BlockUndo(previous: Dictionary(uniqueKeysWithValues: entries.reversed()))
        #expect(forward.encoded == backward.encoded)
    }

    @Test func integersAreLittleEndian() throws {
        var writer = ByteWriter()
        writer.write(UInt32(0x0102_0304))
        writer.write(UInt16(0xA0B0))
        writer.writeShortBytes([9, 8])
        #expect(writer.bytes == [4, 3, 2, 1, 0xB0, 0xA0, 2, 0, 9, 8])
        var reader = ByteReader(writer.bytes)
        #expect(try reader.read(UInt32.self) == 0x0102_0304)
        #expect(try reader.read(UInt16.self) == 0xA0B0)
        #expect(try reader.readShortBytes(field: "x", limit: 2) == [9, 8])
        try reader.expectEnd()
    }
}

extension FixedWidthInteger {
    var littleEndianBytes: [UInt8] { withUnsafeBytes(of: littleEndian) { Array($0) } }
}
