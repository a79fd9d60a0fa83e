import Foundation

/// An SVG line chart of propagation against time: the share of nodes that have a block, by the time since it
/// was mined (`SimulationReport.reachCurve`), with the p50, p90 and p99 marked.
public enum PropagationChart {
    public static func svg(_ report: SimulationReport, width: Int = 640, height: Int = 360) -> String {
        let left = 60.0, right = 20.0, top = 30.0, bottom = 50.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        // Up to twice the p99: the last stragglers (lost messages asked again) would squash the curve.
        let slowest = Double(report.delays.last ?? 0)
        let curve = report.reachCurve(upTo: min(slowest, max(2 * report.percentile(0.99), 0.001)))
        let maxSeconds = max(curve.last?.seconds ?? 1, 1e-9)
        func x(_ seconds: Double) -> Double { left + seconds / maxSeconds * plotWidth }
        func y(_ share: Double) -> Double { top + (1 - share) * plotHeight }
        let points = curve.map { String(format: "%.1f,%.1f", x($0.seconds), y($0.share)) }.joined(separator: " ")
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(Int(left))" y="18" font-size="14">Block propagation: \(report.configuration.nodes) nodes, \
        block time \(format(report.configuration.blockTime)) s</text>
        <line x1="\(left)" y1="\(top + plotHeight)" x2="\(left + plotWidth)" y2="\(top + plotHeight)" stroke="black"/>
        <line x1="\(left)" y1="\(top)" x2="\(left)" y2="\(top + plotHeight)" stroke="black"/>

        """
        for tick in 0...4 {
            let share = Double(tick) / 4
            svg += "<text x=\"\(Int(left) - 8)\" y=\"\(Int(y(share)) + 4)\" text-anchor=\"end\">\(tick * 25)%</text>\n"
            svg += "<line x1=\"\(left)\" y1=\"\(y(share))\" x2=\"\(left + plotWidth)\" y2=\"\(y(share))\" stroke=\"#ddd\"/>\n"
            let seconds = maxSeconds * Double(tick) / 4
            svg += "<text x=\"\(Int(x(seconds)))\" y=\"\(Int(top + plotHeight) + 18)\" text-anchor=\"middle\">\(Int((seconds * 1_000).rounded())) ms</text>\n"
        }
        svg += "<text x=\"\(Int(left + plotWidth / 2))\" y=\"\(height - 8)\" text-anchor=\"middle\">time since the block was mined</text>\n"
        svg += "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"\(points)\"/>\n"
        for (index, (q, label)) in [(0.5, "p50"), (0.9, "p90"), (0.99, "p99")].enumerated() {
            let seconds = report.percentile(q)
            svg += "<line x1=\"\(x(seconds))\" y1=\"\(top)\" x2=\"\(x(seconds))\" y2=\"\(top + plotHeight)\" stroke=\"#d62728\" stroke-dasharray=\"4 3\"/>\n"
            // Labels stacked at the lower right of each line, so that close lines do not overwrite each other.
            svg += "<text x=\"\(Int(x(seconds)) + 4)\" y=\"\(Int(top + plotHeight) - 12 - 16 * index)\" fill=\"#d62728\">\(label) \(Int((seconds * 1_000).rounded())) ms</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
