import Foundation
import Obol

/// Shows `obol verify`'s progress on standard error: a bar redrawn in place on
/// a terminal, a plain line every few seconds otherwise (logs, pipes).
struct ProgressDisplay {
    let terminal: Bool
    private let started = ContinuousClock.now
    private var lastShown: ContinuousClock.Instant?
    private var drewBar = false

    init(terminal: Bool) { self.terminal = terminal }

    mutating func show(_ progress: VerificationProgress) {
        let now = ContinuousClock.now
        let interval: Duration = terminal ? .milliseconds(100) : .seconds(5)
        let done = progress.replayed == progress.total
        if let lastShown, now - lastShown < interval, !done { return }
        if lastShown == nil, !done, !terminal { lastShown = now; return }
        lastShown = now
        let line = Self.describe(progress, elapsed: now - started, barWidth: terminal ? 30 : nil)
        if terminal {
            write("\r\(line)\u{1B}[K")
            drewBar = true
        } else {
            write("\(line)\n")
        }
    }

    /// Ends the bar's line.
    mutating func finish() {
        if drewBar { write("\n") }
        drewBar = false
    }

    /// `[#####-----]  50%  500/1000 blocks  250 blocks/s  2 s left`; without a bar width, no bar.
    static func describe(_ progress: VerificationProgress, elapsed: Duration, barWidth: Int?) -> String {
        let fraction = progress.total == 0 ? 1 : Double(progress.replayed) / Double(progress.total)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(progress.replayed) / seconds : 0
        let left = rate > 0 ? Int((Double(progress.total - progress.replayed) / rate).rounded(.up)) : nil
        var parts: [String] = []
        if let barWidth {
            let filled = Int((fraction * Double(barWidth)).rounded(.down))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled)
            parts.append("[\(bar)]")
        }
        parts.append(String(format: "%3d%%", Int((fraction * 100).rounded(.down))))
        parts.append("\(progress.replayed)/\(progress.total) blocks")
        parts.append(String(format: "%.0f blocks/s", rate))
        parts.append(left.map { "\($0) s left" } ?? "time left unknown")
        return "verify: " + parts.joined(separator: "  ")
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
