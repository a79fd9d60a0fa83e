@main
struct ObolCommand {
    static func main() async throws {}
}
