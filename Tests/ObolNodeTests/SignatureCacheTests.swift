import ObolCore
import ObolTestSupport
import Testing

@testable import ObolNode

/// A block of `count` transfers from the allocation key (nonces 0, 1, ...),
/// each to its own test address.
private func signedBlock(count: Int) -> Block {
    let builder = ChainBuilder()
    let transfers = (0..<count).map { i in
        builder.transfer(to: ChainBuilder.testAddress(1_000 + i), amount: ChainParams.coin, nonce: UInt64(i))
    }
    return builder.makeBlock(transfers: transfers)
}

/// `transfer` with its signature replaced by one of the same key over another message.
private func forged(_ transfer: Transfer) -> Transfer {
    transfer.withSignature(ChainBuilder.allocationKey.sign(digest: SHA256.hash(Array("forged".utf8))))
}

/// The block with the transfers at `indices` (positions among the transfers) forged.
private func breaking(_ block: Block, at indices: Set<Int>) -> Block {
    var transactions = block.transactions
    for i in indices {
        guard case let .transfer(t) = transactions[i + 1] else { continue }
        transactions[i + 1] = .transfer(forged(t))
    }
    // The Merkle root commits to the signatures: recompute it, so only the signatures are wrong.
    var broken = Block(header: block.header, transactions: transactions)
    broken.header.merkleRoot = broken.computedMerkleRoot
    return broken
}

@Suite(.timeLimit(.minutes(1))) struct SignatureCacheTests {
    @Test func keysOnIdAndSignature() throws {
        let block = signedBlock(count: 1)
        let transfer = try #require(block.transfers.first { _ in true })
        let cache = SignatureCache()
        cache.insert(transfer)
        #expect(cache.contains(transfer))
        #expect(!cache.contains(forged(transfer)), "the same id with another signature is not a hit")
    }

    @Test func keepsTheNewestHalfOfItsCapacity() {
        let transfers = Array(signedBlock(count: 40).transfers)
        let cache = SignatureCache(capacity: 16)
        for t in transfers { cache.insert(t) }
        #expect(cache.count <= 16)
        for t in transfers.suffix(8) { #expect(cache.contains(t)) }
        #expect(!cache.contains(transfers[0]))
    }

    @Test func unverifiedTransfersKeepsBlockOrderAndSkipsCachedOnes() {
        let block = signedBlock(count: 10)
        let transfers = Array(block.transfers)
        let cache = SignatureCache()
        cache.insert(contentsOf: transfers.enumerated().filter { $0.offset.isMultiple(of: 3) }.map(\.element))
        let expected = transfers.enumerated().filter { !$0.offset.isMultiple(of: 3) }.map(\.element)
        #expect(cache.unverifiedTransfers(of: block) == expected)
    }
}

@Suite(.timeLimit(.minutes(1))) struct ParallelSignatureVerifierTests {
    @Test(arguments: [1, 2, 4])
    func acceptsAValidBlockAndCachesItsTransfers(workers: Int) async throws {
        let block = signedBlock(count: 64)
        let cache = SignatureCache()
        try await ParallelSignatureVerifier(cache: cache, workers: workers).verifySignatures(of: block)
        #expect(cache.count == 64)
        #expect(cache.unverifiedTransfers(of: block).isEmpty)
    }

    @Test(arguments: [1, 2, 4])
    func namesTheFirstInvalidTransferInBlockOrder(workers: Int) async throws {
        let block = breaking(signedBlock(count: 64), at: [41, 50, 63])
        let bad = try #require(block.transactions[42].transfer)
        let cache = SignatureCache()
        await #expect(throws: ValidationError.invalidSignature(bad.id)) {
            try await ParallelSignatureVerifier(cache: cache, workers: workers).verifySignatures(of: block)
        }
        // What verified may stay cached; a forged signature never is.
        for case let .transfer(t) in block.transactions {
            if cache.contains(t) { #expect(t.hasValidSignature) }
        }
        #expect(!cache.contains(bad))
    }

    @Test(arguments: [1, 2, 4])
    func sanityFailureIsReportedBeforeSignatures(workers: Int) async throws {
        // A forged signature and a wrong Merkle root: the sanity error wins,
        // as when sanity runs first.
        let forged = breaking(signedBlock(count: 64), at: [3])
        var header = forged.header
        header.merkleRoot = .zero
        let block = Block(header: header, transactions: forged.transactions)
        await #expect(throws: ValidationError.merkleRootMismatch) {
            try await ParallelSignatureVerifier(cache: SignatureCache(), workers: workers)
                .checkSanityAndSignatures(of: block, params: .test)
        }
    }

    @Test(arguments: [1, 2, 4])
    func sanityAndSignaturesTogetherAcceptAValidBlock(workers: Int) async throws {
        let block = signedBlock(count: 64)
        let cache = SignatureCache()
        try await ParallelSignatureVerifier(cache: cache, workers: workers)
            .checkSanityAndSignatures(of: block, params: .test)
        #expect(cache.count == 64)
        let forged = breaking(block, at: [20])
        let bad = try #require(forged.transactions[21].transfer)
        await #expect(throws: ValidationError.invalidSignature(bad.id)) {
            try await ParallelSignatureVerifier(cache: SignatureCache(), workers: workers)
                .checkSanityAndSignatures(of: forged, params: .test)
        }
    }

    @Test func skipsTransfersFoundInTheCache() async throws {
        // A forged transfer that is (wrongly) in the cache is not verified again:
        // proof that cached entries are skipped.
        let block = breaking(signedBlock(count: 32), at: [7])
        let cache = SignatureCache()
        cache.insert(try #require(block.transactions[8].transfer))
        try await ParallelSignatureVerifier(cache: cache, workers: 2).verifySignatures(of: block)
    }

    @Test func cachedTransferWithAnotherSignatureIsVerified() async throws {
        let valid = signedBlock(count: 32)
        let block = breaking(valid, at: [7])
        let cache = SignatureCache()
        cache.insert(try #require(valid.transactions[8].transfer))
        let bad = try #require(block.transactions[8].transfer)
        await #expect(throws: ValidationError.invalidSignature(bad.id)) {
            try await ParallelSignatureVerifier(cache: cache, workers: 2).verifySignatures(of: block)
        }
    }
}
