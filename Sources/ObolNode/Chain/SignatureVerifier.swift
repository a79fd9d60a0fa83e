import ObolCore

/// Checks every transfer signature of a block. The node may verify in
/// parallel and skip transfers it verified already (a validity cache).
public protocol BlockSignatureVerifier: Sendable {
    func verifySignatures(of block: Block) async throws(ValidationError)

    /// The block's stateless rules (`BlockValidator.checkSanity`) and its
    /// signatures. An implementation may overlap the two; a sanity failure
    /// is the error reported, and it cuts the signature work short.
    func checkSanityAndSignatures(of block: Block, params: ChainParams) async throws(ValidationError)
}

extension BlockSignatureVerifier {
    /// Sanity first, then the signatures.
    public func checkSanityAndSignatures(of block: Block, params: ChainParams) async throws(ValidationError) {
        try BlockValidator.checkSanity(block, params: params)
        try await verifySignatures(of: block)
    }
}

/// One signature after another, nothing cached.
public struct SerialSignatureVerifier: BlockSignatureVerifier {
    public init() {}

    public func verifySignatures(of block: Block) async throws(ValidationError) {
        try BlockValidator.verifySignatures(block)
    }
}
