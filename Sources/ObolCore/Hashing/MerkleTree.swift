/// The Merkle root over transaction ids.
///
/// Unlike Bitcoin, an odd node at the end of a level is promoted unchanged
/// (never paired with a copy of itself), inner nodes are tagged with a 0x01
/// byte, and the root commits to the number of leaves. Together these rule
/// out the CVE-2012-2459 class: two different transaction lists never share a
/// root unless SHA-256 collides.
public enum MerkleTree {
    public static func root(of leaves: [Hash256]) -> Hash256 {
        var level = leaves
        var buffer = [UInt8](repeating: 0, count: 65)
        buffer[0] = 0x01
        while level.count > 1 {
            var next = [Hash256]()
            next.reserveCapacity((level.count + 1) / 2)
            var i = 0
            while i + 1 < level.count {
                next.append(node(level[i], level[i + 1], &buffer))
                i += 2
            }
            if i < level.count { next.append(level[i]) }
            level = next
        }
        var writer = ByteWriter(capacity: 37)
        writer.write(UInt8(0x02))
        writer.write(UInt32(leaves.count))
        writer.write(level.first ?? .zero)
        return SHA256d.hash(writer.bytes)
    }

    private static func node(_ left: Hash256, _ right: Hash256, _ buffer: inout [UInt8]) -> Hash256 {
        buffer.withUnsafeMutableBytes { raw in
            left.withUnsafeBytes { raw.baseAddress!.advanced(by: 1).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            right.withUnsafeBytes { raw.baseAddress!.advanced(by: 33).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        }
        return SHA256d.hash(buffer)
    }
}
