/// The Merkle root over the transactions' full hashes (`Transaction.fullHash`:
/// a transfer's encoding with its signature, a coinbase's id).
///
/// Unlike Bitcoin, an odd node at the end of a level is promoted unchanged
/// (never paired with a copy of itself), inner nodes are tagged with a 0x01
/// byte, and the root commits to the number of leaves. Together these rule
/// out the CVE-2012-2459 class: two different transaction lists never share a
/// root unless SHA-256 collides.
public enum MerkleTree {
    public static func root(of leaves: [Hash256]) -> Hash256 {
        var level = leaves
        return root(reducing: &level)
    }

    /// The root of `level`'s leaves, computed in place: `level` is left
    /// holding scratch values. One buffer in all (the caller's), so a
    /// caller that owns its array of ids allocates nothing here.
    static func root(reducing level: inout [Hash256]) -> Hash256 {
        let leafCount = level.count
        let top: Hash256 = level.withUnsafeMutableBufferPointer { nodes in
            withUnsafeTemporaryAllocation(byteCount: 65, alignment: 8) { buffer in
                buffer[0] = 0x01
                var count = nodes.count
                while count > 1 {
                    // Node i of the next level overwrites index i, which is
                    // never below the indices 2i and 2i + 1 it is made from.
                    var i = 0
                    while i + 1 < count {
                        nodes[i / 2] = node(nodes[i], nodes[i + 1], buffer)
                        i += 2
                    }
                    if i < count { nodes[i / 2] = nodes[i] }
                    count = (count + 1) / 2
                }
                return count == 1 ? nodes[0] : .zero
            }
        }
        return hashEncoding(capacity: 37, double: true) { sink in
            sink.append(UInt8(0x02))
            sink.append(UInt32(leafCount))
            sink.append(top)
        }
    }

    @inline(__always)
    private static func node(_ left: Hash256, _ right: Hash256, _ buffer: UnsafeMutableRawBufferPointer) -> Hash256 {
        left.withUnsafeBytes { buffer.baseAddress!.advanced(by: 1).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        right.withUnsafeBytes { buffer.baseAddress!.advanced(by: 33).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        return SHA256d.hash(UnsafeRawBufferPointer(buffer))
    }
}
