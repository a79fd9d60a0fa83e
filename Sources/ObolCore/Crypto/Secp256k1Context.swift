import CSecp256k1

/// The one shared libsecp256k1 context, created once and randomized
/// against side channels. libsecp256k1 allows a context to be used from
/// many threads at once after creation and randomization.
final class Secp256k1Context: @unchecked Sendable { // safe: the context is never mutated after init
    static let shared = Secp256k1Context()

    let pointer: OpaquePointer

    private init() {
        guard let ctx = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("libsecp256k1 could not create a context")
        }
        var seed = [UInt8](repeating: 0, count: 32)
        var rng = SystemRandomNumberGenerator()
        for i in 0..<32 { seed[i] = UInt8.random(in: .min ... .max, using: &rng) }
        _ = secp256k1_context_randomize(ctx, seed)
        pointer = ctx
    }
}
