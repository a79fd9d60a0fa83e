import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct MerkleTreeTests {
    static func leaf(_ n: Int) -> Hash256 { SHA256.hash(Array("leaf \(n)".utf8)) }
    static func leaves(_ count: Int) -> [Hash256] { (0..<count).map(leaf) }

    /// An inner node: SHA256d(0x01 || left || right).
    static func node(_ left: Hash256, _ right: Hash256) -> Hash256 {
        SHA256d.hash([0x01] + left.bytes + right.bytes)
    }

    /// The root: SHA256d(0x02 || leaf count (u32 LE) || top node).
    static func commit(_ count: Int, _ top: Hash256) -> Hash256 {
        let n = UInt32(count)
        return SHA256d.hash([0x02, UInt8(n & 0xff), UInt8(n >> 8 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 24)] + top.bytes)
    }

    /// A straightforward reference: pair neighbours, promote an odd last node.
    static func reference(_ leaves: [Hash256]) -> Hash256 {
        var level = leaves
        while level.count > 1 {
            level = stride(from: 0, to: level.count, by: 2).map { i in
                i + 1 < level.count ? node(level[i], level[i + 1]) : level[i]
            }
        }
        return commit(leaves.count, level.first ?? .zero)
    }

    @Test func singleLeafRootCommitsToTheCount() {
        let a = Self.leaf(0)
        #expect(MerkleTree.root(of: [a]) == Self.commit(1, a))
        #expect(MerkleTree.root(of: [a]) != a)
    }

    @Test func emptyListHasAFixedRoot() {
        #expect(MerkleTree.root(of: []) == Self.commit(0, .zero))
        #expect(MerkleTree.root(of: []) != MerkleTree.root(of: [.zero]))
    }

    @Test func oddLastNodeIsPromotedNotDuplicated() {
        let l = Self.leaves(5)
        #expect(MerkleTree.root(of: Array(l.prefix(3))) == Self.commit(3, Self.node(Self.node(l[0], l[1]), l[2])))
        let five = Self.node(Self.node(Self.node(l[0], l[1]), Self.node(l[2], l[3])), l[4])
        #expect(MerkleTree.root(of: l) == Self.commit(5, five))
    }

    @Test(arguments: Array(0...33))
    func matchesReferenceImplementation(count: Int) {
        #expect(MerkleTree.root(of: Self.leaves(count)) == Self.reference(Self.leaves(count)))
    }

    /// CVE-2012-2459: in Bitcoin [a,b,c] and [a,b,c,c] share a root.
    @Test func duplicatedLastLeavesChangeTheRoot() {
        let l = Self.leaves(6)
        #expect(MerkleTree.root(of: [l[0], l[1], l[2]]) != MerkleTree.root(of: [l[0], l[1], l[2], l[2]]))
        #expect(MerkleTree.root(of: l) != MerkleTree.root(of: l + [l[4], l[5]]))
        #expect(MerkleTree.root(of: [l[0]]) != MerkleTree.root(of: [l[0], l[0]]))
    }

    /// Inner nodes cannot pose as leaves: a list of the level-one nodes
    /// does not share the root of the leaves it summarises.
    @Test func innerNodesAsLeavesChangeTheRoot() {
        let l = Self.leaves(4)
        #expect(MerkleTree.root(of: l) != MerkleTree.root(of: [Self.node(l[0], l[1]), Self.node(l[2], l[3])]))
        #expect(MerkleTree.root(of: [l[0], l[1]]) != MerkleTree.root(of: [Self.node(l[0], l[1])]))
    }

    @Test func differentListsGiveDifferentRoots() {
        var roots = Set<Hash256>()
        var lists = 0
        // Every prefix length, and every ordering of four leaves.
        for count in 0...20 {
            roots.insert(MerkleTree.root(of: Self.leaves(count)))
            lists += 1
        }
        let four = Self.leaves(4)
        for a in 0..<4 { for b in 0..<4 where b != a { for c in 0..<4 where c != a && c != b {
            let d = 6 - a - b - c
            if [a, b, c, d] == [0, 1, 2, 3] { continue }
            roots.insert(MerkleTree.root(of: [four[a], four[b], four[c], four[d]]))
            lists += 1
        } } }
        // Changing any single leaf.
        for i in 0..<7 {
            var changed = Self.leaves(7)
            changed[i] = Self.leaf(100 + i)
            roots.insert(MerkleTree.root(of: changed))
            lists += 1
        }
        #expect(roots.count == lists)
    }
}
