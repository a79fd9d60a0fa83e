import ObolCore
import Testing

/// A listing reads a block's outline from its first bytes only; the outline
/// must agree with the decoded block, and a damaged prefix must not pass.
@Suite(.timeLimit(.minutes(1))) struct BlockOutlineTests {
    let genesis = ChainParams.test.genesisBlock

    @Test func thePrefixGivesTheSameOutlineAsTheBlock() throws {
        let bytes = genesis.encoded
        let outline = try BlockOutline(prefix: Array(bytes.prefix(BlockOutline.prefixSize)), size: bytes.count)
        #expect(outline == BlockOutline(genesis))
        #expect(outline.hash == genesis.hash)
        #expect(outline.transactionCount == 1)
        #expect(outline.size == bytes.count)
    }

    @Test func aShortPrefixOrSizeIsRefused() {
        let bytes = genesis.encoded
        #expect(throws: DecodeError.self) {
            try BlockOutline(prefix: Array(bytes.prefix(BlockOutline.prefixSize - 1)), size: bytes.count)
        }
        #expect(throws: DecodeError.self) {
            try BlockOutline(prefix: Array(bytes.prefix(BlockOutline.prefixSize)), size: BlockOutline.prefixSize - 1)
        }
    }

    @Test func aCountAboveTheLimitIsRefused() {
        var prefix = Array(genesis.encoded.prefix(BlockOutline.prefixSize))
        let count = UInt32(Limits.maxBlockTransactions + 1)
        for i in 0..<4 { prefix[BlockOutline.prefixSize - 4 + i] = UInt8(truncatingIfNeeded: count >> (8 * UInt32(i))) }
        #expect(throws: DecodeError.countTooLarge(field: "block.transactions", count: Int(count),
                                                  limit: Limits.maxBlockTransactions)) {
            try BlockOutline(prefix: prefix, size: 10_000_000)
        }
    }
}
