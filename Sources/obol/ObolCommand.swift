import ArgumentParser

@main
struct ObolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obol",
        abstract: "Obol: a peer-to-peer proof-of-work cryptocurrency node.",
        subcommands: [NodeCommand.self, WalletCommand.self, TuneCommand.self, TrackerCommand.self, SimulateCommand.self,
                      AttackCommand.self, VerifyCommand.self]
    )
}
