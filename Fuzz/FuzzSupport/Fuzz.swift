import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif

/// What every fuzz target's `main` calls.
public enum Fuzz {
    /// Runs libFuzzer with this process's arguments, calling `testOneInput` on every input; exits with
    /// libFuzzer's status (0 when the time or run limit is reached without a finding).
    public static func run(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }

    /// The input as an array (libFuzzer passes a null pointer for the empty input).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        guard let data, size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// Stops the run with a crash that libFuzzer reports (and saves the input) when a property fails.
    public static func require(_ condition: Bool, _ property: @autoclosure () -> String,
                               file: StaticString = #fileID, line: UInt = #line) {
        if !condition { fatalError("fuzz property violated: \(property())", file: file, line: line) }
    }
}
