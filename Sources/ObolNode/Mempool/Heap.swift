/// A binary min-heap: `popMin` returns the smallest element by `<`.
/// Callers that need "largest first" give their element a reversed `<`.
struct Heap<Element: Comparable> {
    private(set) var storage: [Element] = []

    init() {}

    init(_ elements: [Element]) {
        storage = elements
        var index = storage.count / 2
        while index > 0 {
            index -= 1
            siftDown(from: index)
        }
    }

    var count: Int { storage.count }
    var isEmpty: Bool { storage.isEmpty }
    var min: Element? { storage.first }

    mutating func insert(_ element: Element) {
        storage.append(element)
        siftUp(from: storage.count - 1)
    }

    mutating func popMin() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let smallest = storage.removeLast()
        if !storage.isEmpty { siftDown(from: 0) }
        return smallest
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { return }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        let count = storage.count
        while true {
            let left = 2 * parent + 1
            guard left < count else { return }
            let right = left + 1
            var smallest = left
            if right < count && storage[right] < storage[left] { smallest = right }
            guard storage[smallest] < storage[parent] else { return }
            storage.swapAt(smallest, parent)
            parent = smallest
        }
    }
}

extension Heap: Sendable where Element: Sendable {}
