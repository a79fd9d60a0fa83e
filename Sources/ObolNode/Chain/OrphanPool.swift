import ObolCore

/// Bodies waiting in memory, bounded (the oldest is dropped when the pool is
/// full), each with the `Origin` it came from so that its events carry it:
/// - orphans, whose parent is not known yet;
/// - bodies whose header is known but that are not validated yet, because
///   their parent's body is missing, or their header chain has less work than
///   the tip (or than `minimumChainWork`). Such a body is neither verified
///   nor written; it is validated if its branch gains the work.
///
/// Only bodies whose Merkle root matches their header get in
/// (`BlockValidator.checkSanity`), so a tampered copy cannot take the slot
/// of the genuine block, whose hash it shares.
public struct OrphanPool: Sendable {
    public let capacity: Int
    private var blocks: [Hash256: (block: Block, origin: Origin)] = [:]
    private var byParent: [Hash256: [Hash256]] = [:]
    private var order: [Hash256] = []

    public init(capacity: Int) { self.capacity = capacity }

    public var count: Int { blocks.count }
    public func contains(_ hash: Hash256) -> Bool { blocks[hash] != nil }

    public mutating func add(_ block: Block, hash: Hash256, origin: Origin = .local) {
        guard blocks[hash] == nil, capacity > 0 else { return }
        while blocks.count >= capacity, let oldest = order.first { remove(oldest) }
        blocks[hash] = (block, origin)
        byParent[block.header.previousHash, default: []].append(hash)
        order.append(hash)
    }

    /// Removes and returns the block `hash`, with its origin.
    public mutating func take(_ hash: Hash256) -> (block: Block, origin: Origin)? {
        guard let waiting = blocks[hash] else { return nil }
        remove(hash)
        return waiting
    }

    /// Removes and returns the bodies whose parent is `parent`, with their origins.
    public mutating func takeChildren(of parent: Hash256) -> [(block: Block, origin: Origin)] {
        guard let hashes = byParent.removeValue(forKey: parent) else { return [] }
        return hashes.compactMap { h in
            let waiting = blocks.removeValue(forKey: h)
            order.removeAll { $0 == h }
            return waiting
        }
    }

    private mutating func remove(_ hash: Hash256) {
        guard let waiting = blocks.removeValue(forKey: hash) else { return }
        let parent = waiting.block.header.previousHash
        order.removeAll { $0 == hash }
        byParent[parent]?.removeAll { $0 == hash }
        if byParent[parent]?.isEmpty == true { byParent[parent] = nil }
    }
}
