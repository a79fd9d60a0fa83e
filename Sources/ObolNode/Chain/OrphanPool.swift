import ObolCore

/// Blocks whose parent is not known yet, bounded: the oldest is dropped
/// when the pool is full.
public struct OrphanPool: Sendable {
    public let capacity: Int
    private var blocks: [Hash256: Block] = [:]
    private var byParent: [Hash256: [Hash256]] = [:]
    private var order: [Hash256] = []

    public init(capacity: Int) { self.capacity = capacity }

    public var count: Int { blocks.count }
    public func contains(_ hash: Hash256) -> Bool { blocks[hash] != nil }

    public mutating func add(_ block: Block, hash: Hash256) {
        guard blocks[hash] == nil, capacity > 0 else { return }
        while blocks.count >= capacity, let oldest = order.first { remove(oldest) }
        blocks[hash] = block
        byParent[block.header.previousHash, default: []].append(hash)
        order.append(hash)
    }

    /// Removes and returns the orphans whose parent is `parent`.
    public mutating func takeChildren(of parent: Hash256) -> [Block] {
        guard let hashes = byParent.removeValue(forKey: parent) else { return [] }
        return hashes.compactMap { h in
            let block = blocks.removeValue(forKey: h)
            order.removeAll { $0 == h }
            return block
        }
    }

    private mutating func remove(_ hash: Hash256) {
        guard let block = blocks.removeValue(forKey: hash) else { return }
        order.removeAll { $0 == hash }
        byParent[block.header.previousHash]?.removeAll { $0 == hash }
        if byParent[block.header.previousHash]?.isEmpty == true { byParent[block.header.previousHash] = nil }
    }
}
