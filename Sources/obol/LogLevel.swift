import ArgumentParser
import Logging

/// `--log-level` of the long-running commands: checked in `validate()`, then installed on standard error.
enum LogLevel {
    /// Throws the usage error for a level that is not one of swift-log's.
    static func validate(_ text: String) throws {
        guard Logger.Level(rawValue: text) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// Sends every logger's output at or above `text` to standard error.
    static func bootstrap(_ text: String) {
        let level = Logger.Level(rawValue: text) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
