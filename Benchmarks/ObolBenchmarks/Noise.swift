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
    /// The same as bytes (ciphertext ‖ tag), as they come off the wire, for the raw open-from-bytes loop.
    let rawSealedBytes: [[UInt8]]
    /// A CipherState pair on one key, for the encrypt and decrypt loops one level below `NoiseTransport`.
    var cipherSender: CipherState
    var cipherReceiver: CipherState

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
        rawSealedBytes = rawSealed.map { Array($0.ciphertext) + Array($0.tag) }
        let cipherKey = (0 ..< CipherState.keyLength).map { UInt8($0) }
        cipherSender = CipherState(key: cipherKey)
        cipherReceiver = CipherState(key: cipherKey)
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

    /// The raw loop a receiver can run on bytes: `SealedBox(nonce:ciphertext:tag:)` from the received
    /// bytes (slices, as `CipherState` passes them), then `open`.
    @inline(__always)
    func openRawFromBytes() {
        for (i, sealed) in rawSealedBytes.enumerated() {
            let split = sealed.count - CipherState.tagLength
            let box = try! ChaChaPoly.SealedBox(nonce: Self.nonce(UInt64(i)), ciphertext: sealed[..<split],
                                                tag: sealed[split...])
            blackHole(try! ChaChaPoly.open(box, using: rawKey))
        }
    }

    /// CipherState.encrypt (EncryptWithAd, empty AD) of every message.
    @inline(__always)
    func sealCipherState() {
        for message in messages { blackHole(try! cipherSender.encrypt(message)) }
    }
}

enum NoiseRate {
    static let noise = BenchmarkMetric.custom("Noise transport, CPU time (MB/s)", polarity: .prefersLarger,
                                              useScalingFactor: false)
    static let raw = BenchmarkMetric.custom("Raw ChaChaPoly, CPU time (MB/s)", polarity: .prefersLarger,
                                            useScalingFactor: false)
    static let cipherState = BenchmarkMetric.custom("CipherState, CPU time (MB/s)", polarity: .prefersLarger,
                                                    useScalingFactor: false)
    static let rawFromBytes = BenchmarkMetric.custom("Raw ChaChaPoly from bytes, CPU time (MB/s)",
                                                     polarity: .prefersLarger, useScalingFactor: false)

    static func configuration(_ extra: [BenchmarkMetric]) -> Benchmark.Configuration {
        let metrics = [noise, raw, Rate.versusC] + extra
        return .init(metrics: Benchmark.defaultConfiguration.metrics + metrics,
                     units: Dictionary(uniqueKeysWithValues: metrics.map { ($0, BenchmarkUnits.count) }),
                     scalingFactor: .one, maxDuration: .seconds(3))
    }

    /// Runs the raw loop and the other references (unmeasured by the tool), then the Noise path
    /// (measured), and records every rate in MB/s (10^6 bytes) and Noise's cost relative to raw.
    static func compare(_ benchmark: Benchmark, bytes: Int, raw: () -> Void,
                        references: [(BenchmarkMetric, () -> Void)] = [], noise: () throws -> Void) rethrows {
        let rawNs = cpuTime(raw)
        for (metric, body) in references { record(benchmark, metric, bytes: bytes, ns: cpuTime(body)) }
        benchmark.startMeasurement()
        let start = Rate.threadCPUTime()
        try noise()
        let ns = Rate.threadCPUTime() - start
        benchmark.stopMeasurement()
        record(benchmark, Self.noise, bytes: bytes, ns: ns)
        record(benchmark, Self.raw, bytes: bytes, ns: rawNs)
        if rawNs > 0, ns > 0 { benchmark.measurement(Rate.versusC, Int((100 * Double(ns) / Double(rawNs)).rounded())) }
    }

    private static func cpuTime(_ body: () -> Void) -> Int {
        let start = Rate.threadCPUTime()
        body()
        return Rate.threadCPUTime() - start
    }

    private static func record(_ benchmark: Benchmark, _ metric: BenchmarkMetric, bytes: Int, ns: Int) {
        if ns > 0 { benchmark.measurement(metric, Int((Double(bytes) * 1e3 / Double(ns)).rounded())) }
    }
}

func registerNoiseBenchmarks() {
    // NoiseTransport.encrypt of 16 × 65,519 bytes (framing, one output buffer per
    // write, rekey counting) against ChaChaPoly.seal of the same messages.
    // CipherState.encrypt of the same messages is reported beside them (no framing, no rekey count).
    Benchmark("Noise.encrypt64KB", configuration: NoiseRate.configuration([NoiseRate.cipherState])) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            try NoiseRate.compare(benchmark, bytes: NoiseFixture.bytesPerIteration, raw: fixture.sealRaw,
                                  references: [(NoiseRate.cipherState, fixture.sealCipherState)]) {
                for message in fixture.messages {
                    blackHole(try fixture.sender.encrypt(message))
                }
            }
        }
    } setup: {
        NoiseFixture()
    }

    // NoiseTransport.receive of the framed stream for 16 × 65,519 bytes (sealed
    // first, outside both timings) against ChaChaPoly.open of the same sizes. Beside them: the raw open
    // starting from bytes (the sealed box built from the received bytes, as any receiver must), and
    // CipherState.decrypt (no frame buffer).
    Benchmark("Noise.decrypt64KB",
              configuration: NoiseRate.configuration([NoiseRate.rawFromBytes, NoiseRate.cipherState])) { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            var wire: [[UInt8]] = []
            var sealed: [[UInt8]] = []
            for message in fixture.messages {
                wire.append(try fixture.sender.encrypt(message))
                sealed.append(try fixture.cipherSender.encrypt(message))
            }
            let openCipherState = {
                for message in sealed { blackHole(try! fixture.cipherReceiver.decrypt(message)) }
            }
            try NoiseRate.compare(benchmark, bytes: NoiseFixture.bytesPerIteration, raw: fixture.openRaw,
                                  references: [(NoiseRate.rawFromBytes, fixture.openRawFromBytes),
                                               (NoiseRate.cipherState, openCipherState)]) {
                for frame in wire {
                    blackHole(try fixture.receiver.receive(frame))
                }
            }
        }
    } setup: {
        NoiseFixture()
    }
}
