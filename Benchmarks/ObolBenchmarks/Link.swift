// "Noise.tcpBlocks": the peer link that sync runs over, alone. Blocks of the import chain (100 transfers,
// about 15 KB each) go from one TCPPeerTransport link to another over loopback TCP with Noise: frame
// encoding, Noise, the socket, Noise again and frame decoding (the transfers parsed), as in a sync, with no
// node behind either end. Beside it, in the same iteration: swift-crypto's ChaChaPoly sealing and opening
// the same number of bytes in 65,519-byte messages on one thread.
import Benchmark
import Crypto
import Foundation
import ObolCore
import ObolP2P
import ObolWire
import Synchronization

final class LinkFixture: Sendable {
    /// Blocks sent per iteration (the chain's blocks, `rounds` times).
    static let rounds = 10
    let params: ChainParams
    let messages: [Message]
    /// Wire frame bytes (before Noise) per round.
    let frameBytes: Int
    let plaintext: [UInt8]
    let key = SymmetricKey(size: .bits256)

    init() throws {
        let chain = ImportChain.make(blocks: 120)
        params = chain.params
        messages = try chain.encodedBlocks.map { .block(try Block(decoding: $0)) }
        frameBytes = messages.reduce(0) { $0 + $1.frame.count }
        plaintext = (0 ..< NoiseTransport.maxPayloadLength).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    }

    var blocksPerIteration: Int { messages.count * Self.rounds }
    var bytesPerIteration: Int { frameBytes * Self.rounds }

    /// ChaChaPoly seal, then open from bytes, of `bytes` bytes in 65,519-byte messages on this thread;
    /// CPU nanoseconds.
    func rawSealAndOpen(bytes: Int) -> Int {
        let start = Rate.threadCPUTime()
        var done = 0
        var counter: UInt64 = 0
        while done < bytes {
            let nonce = NoiseFixture.nonce(counter)
            counter += 1
            let box = try! ChaChaPoly.seal(plaintext, using: key, nonce: nonce)
            let wire = Array(box.ciphertext) + Array(box.tag)
            let split = wire.count - CipherState.tagLength
            let received = try! ChaChaPoly.SealedBox(nonce: nonce, ciphertext: wire[..<split], tag: wire[split...])
            blackHole(try! ChaChaPoly.open(received, using: key))
            done += plaintext.count
        }
        return Rate.threadCPUTime() - start
    }
}

enum LinkMetric {
    static let link = LimitMetric.larger("Link (MB/s, wall)")
    static let blocks = LimitMetric.larger("Link (blocks/s, wall)")
    static let raw = LimitMetric.larger("Raw ChaChaPoly seal + open, 1 core (MB/s, CPU time)")
    static let versusRaw = LimitMetric.larger("Link / raw seal + open (%)")
    static let cores = LimitMetric.larger("Cores busy: CPU time / wall (%)")
    static let all = [link, blocks, raw, versusRaw, cores]
}

func registerLinkBenchmarks() {
    let M = LinkMetric.self
    Benchmark("Noise.tcpBlocks",
              configuration: .init(metrics: [.wallClock, .mallocCountTotal] + M.all,
                                   units: Dictionary(uniqueKeysWithValues: M.all.map { ($0, BenchmarkUnits.count) }),
                                   scalingFactor: .one, maxDuration: .seconds(10), maxIterations: 20)) { benchmark, fixture in
        do {
            let rawNs = fixture.rawSealAndOpen(bytes: fixture.bytesPerIteration)
            let (ns, cpu) = try await sendBlocks(fixture, measuring: benchmark)
            let bytes = fixture.bytesPerIteration
            record(benchmark, M.link, Double(bytes) * 1e3 / Double(ns))
            record(benchmark, M.blocks, perSecond(fixture.blocksPerIteration, ns: ns))
            record(benchmark, M.raw, Double(bytes) * 1e3 / Double(rawNs))
            record(benchmark, M.versusRaw, 100 * Double(rawNs) / Double(ns))
            record(benchmark, M.cores, 100 * Double(cpu) / Double(ns))
        } catch {
            benchmark.error("Noise.tcpBlocks failed: \(error)")
        }
    } setup: {
        try LinkFixture()
    }
}

/// Connects two fresh transports over loopback (127.0.0.6 listens), then sends every block `rounds` times in
/// batches of 16 (one flush each) and waits until the receiver has decoded the last one. Wall and process CPU
/// nanoseconds from the first send to the last block received.
private func sendBlocks(_ fixture: LinkFixture, measuring benchmark: Benchmark) async throws -> (ns: Int, cpuNs: Int) {
    let server = try await TCPPeerTransport.bind(host: "127.0.0.6", port: 0,
                                                 configuration: P2PConfiguration(params: fixture.params, staticKey: NoiseKeyPair()))
    let client = TCPPeerTransport(configuration: P2PConfiguration(params: fixture.params, staticKey: NoiseKeyPair()))
    let expected = fixture.blocksPerIteration
    let received = LinkCounter()
    let (done, doneSink) = AsyncStream<Void>.makeStream()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await server.listen { link in
                try? await link.run(receive: { message in
                    guard case .block = message else { return }
                    if received.count.wrappingAdd(1, ordering: .relaxed).newValue == expected { doneSink.yield() }
                }, write: { _ in
                    try await Task.sleep(for: .seconds(3_600))  // nothing to send: wait for the close
                })
            }
        }
        defer { group.cancelAll() }
        let link = try await client.connect(to: server.listenEndpoint!)
        let timing = Shared((ns: 0, cpuNs: 0))
        nonisolated(unsafe) let benchmark = benchmark  // used by the writer's task only, while this one waits
        try await link.run(receive: { _ in }, write: { writer in
            benchmark.startMeasurement()
            let wall0 = Now.wall()
            let cpu0 = Now.processCPU()
            for _ in 0 ..< LinkFixture.rounds {
                for batch in fixture.messages.chunked(16) { try await writer.send(batch) }
            }
            for await _ in done { break }
            let ns = Now.wall() - wall0
            let cpu = Now.processCPU() - cpu0
            benchmark.stopMeasurement()
            timing.update { $0 = (ns, cpu) }
        })
        return timing.value
    }
}

private final class LinkCounter: Sendable {
    let count = Atomic<Int>(0)
}

extension Array {
    /// Consecutive slices of at most `size` elements, as arrays.
    func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0 ..< Swift.min($0 + size, count)]) }
    }
}
