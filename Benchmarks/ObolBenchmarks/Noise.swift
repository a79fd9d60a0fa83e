import Benchmark
import Crypto  // visible through ObolWire's dependency; raw ChaChaPoly is the reference
import ObolWire

/// A connected pair of Noise transports and 16 messages of 65,519 bytes (the
/// largest transport payload, "64 KB"): 1 MiB of application bytes per iteration.
final class NoiseFixture {
    static let messageLength = NoiseTransport.maxPayloadLength
    static let messageCount = 16
    static var bytesPerIteration: Int { messageLength * messageCount }

    let messages: [[UInt8]]
    var sender: NoiseTransport
    var receiver: NoiseTransport
    /// For the raw loop: a key, and a counter for its nonces.
    let rawKey = SymmetricKey(size: .bits256)
    var rawCounter: UInt64 = 0
    /// The messages sealed once with `rawKey` (ciphertext, tag), for the raw open loop.
    let rawSealed: [ChaChaPoly.SealedBox]

    init() {
        messages = (0 ..< Self.messageCount).map { i in
            (0 ..< Self.messageLength).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ i) }
        }
        var initiator = HandshakeState(role: .initiator, prologue: ObolNoise.prologue(magic: 1),
                                       staticKeyPair: NoiseKeyPair())
        var responder = HandshakeState(role: .responder, prologue: ObolNoise.prologue(magic: 1),
                                       staticKeyPair: NoiseKeyPair())
        do {
            _ = try responder.readMessage(initiator.writeMessage().message)
            _ = try initiator.readMessage(responder.writeMessage().message)
            let last = try initiator.writeMessage()
            let done = try responder.readMessage(last.message)
            sender = NoiseTransport(last.result!)
            receiver = NoiseTransport(done.result!)
        } catch {
            fatalError("handshake failed: \(error)")
        }
        let key = rawKey
        rawSealed = messages.enumerated().map { i, message in
            try! ChaChaPoly.seal(message, using: key, nonce: Self.nonce(UInt64(i)))
        }
    }

    /// Noise's nonce layout: 4 zero bytes ‖ counter (LE).
    @inline(__always)
    static func nonce(_ n: UInt64) -> ChaChaPoly.Nonce {
        withUnsafeBytes(of: n.littleEndian) { counter in
            try! ChaChaPoly.Nonce(data: [0, 0, 0, 0] + counter)
        }
    }

    /// The raw loop: ChaChaPoly.seal of every message, no framing, no copies into one buffer.
    @inline(__always)
    func sealRaw() {
        for message in messages {
            blackHole(try! ChaChaPoly.seal(message, using: rawKey, nonce: Self.nonce(rawCounter)))
            rawCounter &+= 1
        }
    }

    @inline(__always)
    func openRaw() {
        for box in rawSealed {
            blackHole(try! ChaChaPoly.open(box, using: rawKey))
        }
    }
}

enum NoiseRate {
    static let noise = BenchmarkMetric.custom("Noise transport, CPU time (MB/s)", polarity: .prefersLarger,
                                              useScalingFactor: false)
    static let raw = BenchmarkMetric.custom("Raw ChaChaPoly, CPU time (MB/s)", polarity: .prefersLarger,
                                            useScalingFactor: false)

    static var configuration: Benchmark.Configuration {
        .init(metrics: Benchmark.defaultConfiguration.metrics + [noise, raw, Rate.versusC],
              units: [noise: .count, raw: .count, Rate.versusC: .count], scalingFactor: .one,
              maxDuration: .seconds(3))
    }

    /// Runs the raw loop (unmeasured by the tool), then the Noise path (measured),
    /// and records both rates in MB/s (10^6 bytes) and Noise's cost relative to raw.
    static func compare(_ benchmark: Benchmark, bytes: Int, raw: () -> Void, noise: () throws -> Void) rethrows {
        let rawStart = Rate.threadCPUTime()
        raw()
        let rawNs = Rate.threadCPUTime() - rawStart
        benchmark.startMeasurement()
        let start = Rate.threadCPUTime()
        try noise()
        let ns = Rate.threadCPUTime() - start
        benchmark.stopMeasurement()
        if ns > 0 { benchmark.measurement(Self.noise, Int((Double(bytes) * 1e3 / Double(ns)).rounded())) }
        if rawNs > 0 {
            benchmark.measurement(Self.raw, Int((Double(bytes) * 1e3 / Double(rawNs)).rounded()))
            if ns > 0 { benchmark.measurement(Rate.versusC, Int((100 * Double(ns) / Double(rawNs)).rounded())) }
        }
    }
}

func registerNoiseBenchmarks() {
    // NoiseTransport.encrypt of 16 × 65,519 bytes (framing, one output buffer per
    // write, rekey counting) against ChaChaPoly.seal of the same messages.
    Benchmark("Noise.encrypt64KB", configuration: NoiseRate.configuration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            try NoiseRate.compare(benchmark, bytes: NoiseFixture.bytesPerIteration, raw: fixture.sealRaw) {
                for message in fixture.messages {
                    blackHole(try fixture.sender.encrypt(message))
                }
            }
        }
    } setup: {
        NoiseFixture()
    }

    // NoiseTransport.receive of the framed stream for 16 × 65,519 bytes (sealed
    // first, outside both timings) against ChaChaPoly.open of the same sizes.
    Benchmark("Noise.decrypt64KB", configuration: NoiseRate.configuration) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            var wire: [[UInt8]] = []
            for message in fixture.messages {
                wire.append(try fixture.sender.encrypt(message))
            }
            try NoiseRate.compare(benchmark, bytes: NoiseFixture.bytesPerIteration, raw: fixture.openRaw) {
                for frame in wire {
                    blackHole(try fixture.receiver.receive(frame))
                }
            }
        }
    } setup: {
        NoiseFixture()
    }
}
