import ObolCore

/// Checks every transfer signature of a block. The node may verify in
/// parallel and skip transfers it verified already (a validity cache).
public protocol BlockSignatureVerifier: Sendable {
    func verifySignatures(of block: Block) async throws(ValidationError)
}

/// One signature after another, nothing cached.
public struct SerialSignatureVerifier: BlockSignatureVerifier {
    public init() {}

    public func verifySignatures(of block: Block) async throws(ValidationError) {
        try BlockValidator.verifySignatures(block)
    }
}
