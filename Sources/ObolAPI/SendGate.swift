/// One holder at a time, in arrival order, across suspension points: what an actor alone does not
/// give (an actor method that awaits lets another call in). The node wallet signs and submits under it,
/// so that two concurrent sends read the nonce one after the other, never both the same one.
actor SendGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once every earlier holder has finished.
    func withHeld<T: Sendable, E: Error>(_ body: @Sendable () async throws(E) -> T) async throws(E) -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the gate to the next waiter (it stays busy), or opens it.
    private func release() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
