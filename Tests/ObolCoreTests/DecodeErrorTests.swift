import ObolCore
import ObolTestSupport
import Testing

/// Malformed bytes always end in a `DecodeError`, never a trap, and counts
/// are checked before anything is allocated for them.
@Suite(.timeLimit(.minutes(1))) struct DecodeErrorTests {
    static let countOffset = BlockHeader.size
    /// Offset of the data length inside a coinbase and a transfer.
    static let coinbaseDataLengthOffset = 1 + 4 + 8 + Address.size + 8
    static let transferDataLengthOffset = 1 + 4 + 33 + Address.size + 8 + 8 + 8

    /// A valid block with a coinbase carrying data and transfers of several data sizes.
    let block: Block = {
        let chain = ChainBuilder()
        let transfers = [0, 3, 100, Limits.maxTransferData].enumerated().map { index, size in
            chain.transfer(to: ChainBuilder.testAddress(index + 1), amount: 1, nonce: UInt64(index),
                           data: [UInt8](repeating: UInt8(index + 1), count: size))
        }
        var builder = chain
        builder.coinbaseData = Array("coinbase data".utf8)
        return builder.makeBlock(transfers: transfers)
    }()

    /// Offsets of every transaction's data length field.
    var dataLengthOffsets: [Int] {
        var offsets = [Int]()
        var offset = Self.countOffset + 4
        for tx in block.transactions {
            switch tx {
            case .coinbase: offsets.append(offset + Self.coinbaseDataLengthOffset)
            case .transfer: offsets.append(offset + Self.transferDataLengthOffset)
            }
            offset += tx.size
        }
        return offsets
    }

    func patched(_ bytes: [UInt8], at offset: Int, _ value: some FixedWidthInteger) -> [UInt8] {
        var bytes = bytes
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (i, b) in raw.enumerated() { bytes[offset + i] = b }
        }
        return bytes
    }

    func decodeError(_ bytes: [UInt8]) -> DecodeError? {
        do {
            _ = try Block(decoding: bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func fixtureDecodesAndHasTheExpectedLayout() throws {
        let bytes = block.encoded
        #expect(try Block(decoding: bytes) == block)
        let offsets = dataLengthOffsets
        #expect(offsets.count == 5)
        for (offset, tx) in zip(offsets, block.transactions) {
            let length = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
            #expect(length == (tx.coinbase?.data.count ?? tx.transfer?.data.count))
        }
    }

    @Test func everyTruncationIsATruncatedError() {
        let bytes = block.encoded
        for length in 0..<bytes.count {
            let error = decodeError(Array(bytes.prefix(length)))
            guard case .truncated? = error else {
                Issue.record("prefix of \(length) bytes gave \(String(describing: error))")
                continue
            }
        }
    }

    @Test func everyTruncatedHeaderAndTransactionFails() {
        let header = block.header.encoded
        for length in 0..<header.count {
            #expect(throws: DecodeError.self) { try BlockHeader(decoding: Array(header.prefix(length))) }
        }
        for tx in block.transactions {
            let bytes = tx.encoded
            for length in 0..<bytes.count {
                #expect(throws: DecodeError.self) { try Transaction(decoding: Array(bytes.prefix(length))) }
            }
        }
    }

    @Test func trailingBytesAreRejected() {
        #expect(decodeError(block.encoded + [0]) == .trailingBytes(1))
        #expect(throws: DecodeError.trailingBytes(3)) { try BlockHeader(decoding: block.header.encoded + [1, 2, 3]) }
        let undo = BlockUndo(previous: [ChainBuilder.testAddress(1): nil])
        #expect(throws: DecodeError.trailingBytes(1)) { try BlockUndo(decoding: undo.encoded + [0]) }
    }

    @Test(arguments: [UInt32(0), 1, 4, 6, 7, 255, 4_999, 5_000, 50_000, 50_001, 1 << 31, .max])
    func alteredTransactionCountIsRejected(count: UInt32) {
        #expect(decodeError(patched(block.encoded, at: Self.countOffset, count)) != nil)
    }

    @Test func hugeTransactionCountFailsBeforeAllocating() {
        let bytes = patched(block.encoded, at: Self.countOffset, UInt32.max)
        #expect(decodeError(bytes) == .countTooLarge(field: "block.transactions", count: Int(UInt32.max),
                                                     limit: Limits.maxBlockTransactions))
        // Within the limit but more than the bytes left could hold.
        let remaining = bytes.count - Self.countOffset - 4
        let withinLimit = patched(block.encoded, at: Self.countOffset, UInt32(Limits.maxBlockTransactions))
        #expect(decodeError(withinLimit) == .truncated(needed: Limits.maxBlockTransactions * Coinbase.baseSize,
                                                       available: remaining))
    }

    @Test(arguments: [UInt16(0), 1, 2, 99, 101, 255, 256, 257, 1_000, .max])
    func alteredDataLengthIsRejected(length: UInt16) {
        let bytes = block.encoded
        for offset in dataLengthOffsets {
            let original = UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
            guard length != original else { continue }
            #expect(decodeError(patched(bytes, at: offset, length)) != nil, "length \(length) at offset \(offset)")
        }
    }

    @Test func oversizedDataLengthsReportTheirField() {
        let bytes = block.encoded
        let offsets = dataLengthOffsets
        #expect(decodeError(patched(bytes, at: offsets[0], UInt16(Limits.maxCoinbaseData + 1)))
            == .countTooLarge(field: "coinbase.data", count: Limits.maxCoinbaseData + 1, limit: Limits.maxCoinbaseData))
        #expect(decodeError(patched(bytes, at: offsets[1], UInt16.max))
            == .countTooLarge(field: "transfer.data", count: Int(UInt16.max), limit: Limits.maxTransferData))
    }

    @Test func unknownTransactionTypeIsRejected() {
        var bytes = block.encoded
        bytes[Self.countOffset + 4] = 7
        #expect(decodeError(bytes) == .unknownType(field: "transaction", value: 7))
        #expect(throws: DecodeError.unknownType(field: "coinbase", value: 1)) {
            try Coinbase(decoding: block.transactions[1].encoded)
        }
        #expect(throws: DecodeError.unknownType(field: "transfer", value: 0)) {
            try Transfer(decoding: block.transactions[0].encoded)
        }
    }

    @Test func blockUndoRejectsHugeCountAndUnknownFlag() {
        let undo = BlockUndo(previous: [ChainBuilder.testAddress(1): Account(balance: 5, nonce: 1)])
        var bytes = undo.encoded
        let huge = patched(bytes, at: 0, UInt32.max)
        #expect(throws: DecodeError.countTooLarge(field: "undo.entries", count: Int(UInt32.max),
                                                  limit: 2 * Limits.maxBlockTransactions + 1)) {
            try BlockUndo(decoding: huge)
        }
        bytes[4 + Address.size] = 2
        #expect(throws: DecodeError.unknownType(field: "undo.flag", value: 2)) { try BlockUndo(decoding: bytes) }
        for length in 0..<undo.encoded.count {
            #expect(throws: DecodeError.self) { try BlockUndo(decoding: Array(undo.encoded.prefix(length))) }
        }
    }

    @Test func randomBytesNeverTrap() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<2_000 {
            let bytes = rng.bytes(Int.random(in: 0...400, using: &rng))
            _ = try? Block(decoding: bytes)
            _ = try? Transaction(decoding: bytes)
            _ = try? BlockUndo(decoding: bytes)
        }
        // Random mutations of a valid block.
        let valid = block.encoded
        for _ in 0..<2_000 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? Block(decoding: bytes)
        }
    }
}
