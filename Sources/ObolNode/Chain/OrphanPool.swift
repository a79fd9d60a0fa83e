import ObolCore

/// Bodies waiting in memory, bounded by a count and by their bytes, each with the `Origin` it came from
/// so that its events carry it:
/// - orphans, whose parent is not known yet (`Eviction.oldest`);
/// - bodies whose header is known but that are not validated yet, because their parent's body is
///   missing, or their header chain has less work than the tip (or than `minimumChainWork`). Such a body
///   is neither verified nor written; it is validated if its branch gains the work. During a sync these
///   are the blocks that arrived ahead of the next one to connect, so a full pool drops the highest
///   (`Eviction.highest`), the one needed last, and never the next to connect.
///
/// Only bodies whose Merkle root matches their header get in
/// (`BlockValidator.checkSanity`), so a tampered copy cannot take the slot
/// of the genuine block, whose hash it shares.
public struct OrphanPool: Sendable {
    /// Which body makes room when the pool is full.
    public enum Eviction: Sendable {
        /// The one that came in first.
        case oldest
        /// The one with the greatest height; a newcomer higher than every body held is refused instead.
        case highest
    }

    struct Held: Sendable {
        var block: Block
        var origin: Origin
        var size: Int
        var sequence: UInt64
    }

    public let capacity: Int
    public let byteBudget: Int
    public let eviction: Eviction
    private var blocks: [Hash256: Held] = [:]
    private var byParent: [Hash256: [Hash256]] = [:]
    private var nextSequence: UInt64 = 0
    public private(set) var bytes = 0

    public init(capacity: Int, byteBudget: Int = .max, eviction: Eviction = .oldest) {
        self.capacity = capacity
        self.byteBudget = byteBudget
        self.eviction = eviction
    }

    public var count: Int { blocks.count }
    public func contains(_ hash: Hash256) -> Bool { blocks[hash] != nil }

    /// Keeps `block` unless it is held already, cannot fit, or (`.highest`) is itself the one a full
    /// pool would drop. Returns whether it is held.
    @discardableResult
    public mutating func add(_ block: Block, hash: Hash256, origin: Origin = .local) -> Bool {
        guard blocks[hash] == nil, capacity > 0 else { return blocks[hash] != nil }
        let size = block.size
        guard size <= byteBudget else { return false }
        while blocks.count >= capacity || bytes + size > byteBudget, let victim = evictionCandidate() {
            if eviction == .highest, blocks[victim]!.block.height <= block.height { return false }
            remove(victim)
        }
        blocks[hash] = Held(block: block, origin: origin, size: size, sequence: nextSequence)
        nextSequence += 1
        bytes += size
        byParent[block.header.previousHash, default: []].append(hash)
        return true
    }

    /// Removes and returns the block `hash`, with its origin.
    public mutating func take(_ hash: Hash256) -> (block: Block, origin: Origin)? {
        guard let held = blocks[hash] else { return nil }
        remove(hash)
        return (held.block, held.origin)
    }

    /// Removes and returns the bodies whose parent is `parent`, with their origins, oldest first.
    public mutating func takeChildren(of parent: Hash256) -> [(block: Block, origin: Origin)] {
        guard let hashes = byParent.removeValue(forKey: parent) else { return [] }
        return hashes.compactMap { hash in
            guard let held = blocks.removeValue(forKey: hash) else { return nil }
            bytes -= held.size
            return (held.block, held.origin)
        }
    }

    /// The body a full pool drops first (a scan: it runs only when the pool is full).
    private func evictionCandidate() -> Hash256? {
        switch eviction {
        case .oldest:
            blocks.min { $0.value.sequence < $1.value.sequence }?.key
        case .highest:
            blocks.max { ($0.value.block.height, $0.value.sequence) < ($1.value.block.height, $1.value.sequence) }?.key
        }
    }

    private mutating func remove(_ hash: Hash256) {
        guard let held = blocks.removeValue(forKey: hash) else { return }
        bytes -= held.size
        let parent = held.block.header.previousHash
        byParent[parent]?.removeAll { $0 == hash }
        if byParent[parent]?.isEmpty == true { byParent[parent] = nil }
    }
}
