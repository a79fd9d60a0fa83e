import Obol

@main
struct EmbeddedNodeExample {
    static func main() async throws {}
}
