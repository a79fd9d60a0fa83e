import FuzzSupport
import ObolCore
import ObolWire

/// A block's consensus encoding (PROTOCOL.md §2), as peers send it in `block` messages.
/// Property: a decoded block re-encodes to exactly its input (one encoding per block), and so does each of
/// its transactions on its own; the `block` frame's decoder agrees with ObolCore's.
@main enum FuzzBlock {
    static func main() {
        Fuzz.run { data, size in
            FuzzBlock.check(Fuzz.bytes(data, size))
            return 0
        }
    }

    static func check(_ bytes: [UInt8]) {
        guard let block = try? Block(decoding: bytes) else { return }
        Fuzz.require(block.encoded == bytes, "a decoded block re-encodes to its input")
        Fuzz.require(block.size == bytes.count, "Block.size is the encoding's length")
        for transaction in block.transactions {
            Fuzz.require((try? Transaction(decoding: transaction.encoded)) == transaction,
                         "each transaction of a block decodes alone to itself")
        }
        _ = block.computedMerkleRoot
        let framed = try? Message.decode(command: .block, payload: bytes)
        Fuzz.require(framed == nil || framed == .block(block), "the block frame decodes to the same block")
    }
}
