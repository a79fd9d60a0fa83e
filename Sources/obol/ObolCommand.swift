import ArgumentParser
import Foundation

@main
struct ObolCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obol",
        abstract: "Obol: a peer-to-peer proof-of-work cryptocurrency node.",
        subcommands: [NodeCommand.self, WalletCommand.self, SpecCommand.self, TuneCommand.self, TrackerCommand.self,
                      SimulateCommand.self,
                      AttackCommand.self, VerifyCommand.self]
    )

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = UnknownSubcommand.message(for: arguments, root: Self.self) {
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
