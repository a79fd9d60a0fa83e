import ArgumentParser

/// A misspelled subcommand (`obol wallet balanse`): ArgumentParser reports it as an unexpected argument;
/// this names it as a command and suggests the closest one.
enum UnknownSubcommand {
    /// The message for `arguments` (without the program name) when a word where a subcommand belongs names
    /// none; nil otherwise.
    static func message(for arguments: [String], root: any ParsableCommand.Type) -> String? {
        var command = root
        var path = [root.configuration.commandName ?? "obol"]
        for word in arguments {
            let subcommands = command.configuration.subcommands
            guard !subcommands.isEmpty, !word.hasPrefix("-"), word != "help" else { return nil }
            if let next = subcommands.first(where: { $0.configuration.commandName == word }) {
                command = next
                path.append(word)
                continue
            }
            let names = subcommands.compactMap { $0.configuration.commandName }
                .filter { name in subcommands.first { $0.configuration.commandName == name }?.configuration.shouldDisplay ?? true }
            let closest = names.min { distance($0, word) < distance($1, word) }
            let hint = closest.flatMap { distance($0, word) <= 2 ? "did you mean '\($0)'? " : nil } ?? ""
            return "'\(word)' is not a command of '\(path.joined(separator: " "))': \(hint)"
                + "the commands are \(names.joined(separator: ", "))"
        }
        return nil
    }

    /// Edit distance (Levenshtein) between two short words.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var diagonal = row[0]
            row[0] = i
            for j in 1...b.count {
                let above = row[j]
                row[j] = min(above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}
