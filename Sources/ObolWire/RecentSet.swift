/// A set that remembers at most `capacity` elements, forgetting the oldest first. Per-peer state stays
/// bounded however much a peer announces.
public struct RecentSet<Element: Hashable & Sendable>: Sendable {
    public let capacity: Int
    private var members: Set<Element> = []
    private var order: [Element] = []
    /// Index in `order` of the oldest element once `order` is full (a ring).
    private var oldest = 0

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    public var count: Int { members.count }

    public func contains(_ element: Element) -> Bool { members.contains(element) }

    /// Adds `element` unless it is there, evicting the oldest element when full. Returns whether it was new.
    @discardableResult
    public mutating func insert(_ element: Element) -> Bool {
        guard members.insert(element).inserted else { return false }
        if order.count < capacity {
            order.append(element)
        } else {
            members.remove(order[oldest])
            order[oldest] = element
            oldest = (oldest + 1) % capacity
        }
        return true
    }
}
