import ArgumentParser
import Foundation
import Obol

struct TuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Measure this machine's hash rate and print the compact target for a block time."
    )

    @Option(name: .customLong("block-time"), help: "Wanted time between blocks, e.g. 10s, 2m, 500ms.")
    var blockTime: String = "10s"

    @Option(help: "How many machines like this one will mine.")
    var miners: Int = 1

    @Option(help: "Threads to measure with (default: every core).")
    var threads: Int?

    @Option(help: "Seconds to measure.")
    var seconds: Double = 3

    func validate() throws {
        guard Self.parseDuration(blockTime) != nil else {
            throw ValidationError("--block-time '\(blockTime)' is not a duration from 1ms to 168h, like 10s, 2m or 500ms")
        }
        guard miners >= 1 else { throw ValidationError("--miners must be at least 1") }
        guard (1...1024).contains(threads ?? 1) else { throw ValidationError("--threads must be between 1 and 1024") }
        guard seconds > 0 && seconds <= 60 else { throw ValidationError("--seconds must be in (0, 60]") }
    }

    func run() async throws {
        let blockSeconds = Self.parseDuration(blockTime)!
        let threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let rate = HashRateProbe.measure(threads: threads, seconds: seconds)
        let total = rate * Double(miners)
        let bits = HashRateProbe.bits(forHashRate: total, blockSeconds: blockSeconds)
        print("kernel:      \(HashScanner.kernelName)")
        print("hash rate:   \(Self.format(rate)) per machine (\(threads) threads), \(Self.format(total)) in all")
        print("block time:  \(blockSeconds) s")
        print("bits:        \(bits)")
        print("target:      \(bits.target ?? .zero)")
        print("chain spec:  \"initialBits\": { \"bits\": \(bits.bits) }")
    }

    static func parseDuration(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let value = Double(text.dropLast(suffix.count)) else { return nil }
            return sane(value * factor)
        }
        return Double(text).flatMap(sane)
    }

    /// Block times from 1 ms to a week: outside that no target is meaningful
    /// (and a product such as 1e308 h is no longer finite).
    static let blockTimeRange: ClosedRange<Double> = 0.001...(7 * 86_400)

    private static func sane(_ seconds: Double) -> Double? {
        blockTimeRange.contains(seconds) ? seconds : nil
    }

    static func format(_ rate: Double) -> String {
        rate >= 1e6 ? String(format: "%.2f MH/s", rate / 1e6) : String(format: "%.0f H/s", rate)
    }
}
