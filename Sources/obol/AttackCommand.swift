import ArgumentParser
import Foundation
import Logging
import Obol
import ObolAdversary
import ObolWallet

/// `obol attack`: the attacker processes of `obol demo --attackers` (scripts/demo.py). Hidden: it exists to
/// show that the nodes refuse lies, and it only talks to the loopback network.
struct AttackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attack",
        abstract: "Send forged blocks and transfers to local nodes, each attack from a loopback address of its own.",
        discussion: """
            Follows the chain of the first --target with a node of its own (dialling from --from), then runs \
            each attack over new connections from the next addresses (--from plus 1, plus 2, ...): \
            \(AttackKind.allCases.map(\.rawValue).joined(separator: ", ")). Prints one line per attack and \
            writes the reports as JSON to --report. Loopback only (127.0.0.0/8).
            """,
        shouldDisplay: false
    )

    @Option(name: .customLong("target"), help: "A node to attack, HOST:PORT on 127.0.0.0/8; the double spend uses two.")
    var targets: [String] = []

    @Option(help: "The first of the attacker's loopback addresses.")
    var from: String = "127.0.4.16"

    @Option(help: "Network: devnet or test.")
    var network: String = "devnet"

    @Option(name: .customLong("key-file"), help: "A funded wallet key for the double spend (default: the network's public allocation key).")
    var keyFile: String?

    @OptionGroup var passphrase: PassphraseOption

    @Option(help: "Attacks to run, comma-separated (default: all).")
    var attacks: String?

    @Option(name: .customLong("after-height"), help: "Start once the chain is this high.")
    var afterHeight: UInt64 = 12

    @Option(help: "Seconds to wait for the chain, then for each attack to become possible.")
    var wait: Int = 300

    @Option(help: "Write the reports to this JSON file.")
    var report: String?

    func validate() throws {
        guard !targets.isEmpty else { throw ValidationError("give at least one --target HOST:PORT") }
        for target in targets {
            guard let endpoint = PeerEndpoint(target), Self.isLoopbackIPv4(endpoint.host) else {
                throw ValidationError("--target '\(target)' is not HOST:PORT on 127.0.0.0/8")
            }
        }
        guard Self.isLoopbackIPv4(from), (try? sources(count: AttackKind.allCases.count)) != nil else {
            throw ValidationError("--from '\(from)' must be an address on 127.0.0.0/8 with \(AttackKind.allCases.count) more after it")
        }
        guard ChainParams.preset(named: network) != nil else { throw ValidationError("--network must be devnet or test") }
        _ = try selectedAttacks()
        guard (1...86_400).contains(wait) else { throw ValidationError("--wait must be from 1 to 86400 seconds") }
    }

    func run() async throws {
        let params = ChainParams.preset(named: network)!
        let key: PrivateKey
        do {
            key = try keyFile.map { path throws(WalletError) in try passphrase.unlock(path).key }
                ?? ChainParams.devnetAllocationKey
        } catch {
            throw CommandFailure("\(error)")
        }
        let endpoints = targets.compactMap { PeerEndpoint($0) }
        let attacks = try selectedAttacks()
        let hosts = try sources(count: attacks.count)
        let p2p = P2PConfiguration(params: params, staticKey: NoiseKeyPair())
        var configuration = NodeConfiguration(params: params, verificationThreads: 1)
        configuration.peers.staticPeers = endpoints
        configuration.peers.maxOutbound = endpoints.count
        configuration.logger.logLevel = .critical
        let follower = try Node(configuration: configuration, store: MemoryChainStore(),
                                transport: TCPPeerTransport(configuration: p2p, dialingFrom: from))
        let attacker = Attacker(params: params, chain: follower.chain, key: key, clock: SystemClock()) { host in
            TCPPeerTransport(configuration: P2PConfiguration(params: params, staticKey: NoiseKeyPair()), dialingFrom: host)
        }
        let reports = try await withThrowingTaskGroup(of: [AttackReport]?.self) { group in
            group.addTask {
                try await follower.run()
                return nil
            }
            group.addTask { try await runAttacks(attacks, hosts: hosts, attacker: attacker, follower: follower, targets: endpoints) }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let reports = result { return reports }
            }
            return []
        }
        if let report {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            do {
                try encoder.encode(reports).write(to: URL(fileURLWithPath: report))
            } catch {
                throw CommandFailure("cannot write \(report): \(error.localizedDescription)")
            }
        }
        if reports.contains(where: { $0.failure != nil }) { throw ExitCode(1) }
    }

    private func runAttacks(_ attacks: [AttackKind], hosts: [String], attacker: Attacker, follower: Node,
                            targets: [PeerEndpoint]) async throws -> [AttackReport] {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(wait)
        while await follower.chain.tip.height < afterHeight {
            guard clock.now < deadline else { throw CommandFailure("the chain did not reach height \(afterHeight) in \(wait) s") }
            try await Task.sleep(for: .milliseconds(250))
        }
        var reports: [AttackReport] = []
        for (attack, host) in zip(attacks, hosts) {
            let attackDeadline = clock.now + .seconds(wait)
            var waiting = await attacker.notReady(for: attack)
            while waiting != nil, clock.now < attackDeadline {
                try await Task.sleep(for: .milliseconds(500))
                waiting = await attacker.notReady(for: attack)
            }
            var report: AttackReport
            if let waiting {
                report = AttackReport(attack: attack, source: host, targets: targets.map(\.description))
                report.failure = "gave up after \(wait) s: \(waiting)"
            } else {
                report = await attacker.run(attack, from: host, targets: targets)
            }
            print(Self.line(report))
            reports.append(report)
        }
        return reports
    }

    static func line(_ report: AttackReport) -> String {
        let outcome = report.failure.map { "could not run: \($0)" }
            ?? (report.dropped ? "the node hung up" : "the node kept the connection")
        return "\(report.attack.rawValue) from \(report.source): \(report.sent.joined(separator: "; ")): \(outcome)"
    }

    private func selectedAttacks() throws -> [AttackKind] {
        guard let attacks else { return AttackKind.allCases }
        return try attacks.split(separator: ",").map { name in
            guard let kind = AttackKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("unknown attack '\(name)': use \(AttackKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return kind
        }
    }

    /// The addresses after `from`, one per attack.
    private func sources(count: Int) throws -> [String] {
        let octets = from.split(separator: ".").compactMap { UInt8($0) }
        guard octets.count == 4, Int(octets[3]) + count <= 255 else { throw ValidationError("--from") }
        return (1...count).map { "\(octets[0]).\(octets[1]).\(octets[2]).\(Int(octets[3]) + $0)" }
    }

    static func isLoopbackIPv4(_ host: String) -> Bool {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil } && octets[0] == "127"
    }
}
