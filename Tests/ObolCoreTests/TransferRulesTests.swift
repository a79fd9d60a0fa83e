import ObolCore
import ObolTestSupport
import Testing

/// One test per stateless transfer rule (sanity and signature): each builds
/// a valid next block, breaks exactly that rule in one transfer, and expects
/// exactly that error, with every other stage accepting the block.
@Suite(.timeLimit(.minutes(1))) struct TransferRulesTests {
    let chain = ChainBuilder()
    let alice = ChainBuilder.testAddress(1)
    var params: ChainParams { chain.params }

    /// A high-S copy of a valid signature: s replaced by n - s.
    static func highS(_ signature: Signature) -> Signature {
        let order = UInt256(hex: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")!
        let s = UInt256(littleEndianBytes: signature.bytes.suffix(32).reversed())
        let negated = order.subtractingReportingOverflow(s).partialValue
        return Signature(bytes: Array(signature.bytes.prefix(32)) + negated.littleEndianBytes.reversed())!
    }

    @Test func acceptsTransferAtEveryLimit() {
        let transfer = chain.transfer(to: alice, amount: 1, fee: params.minimumFee,
                                      data: [UInt8](repeating: 1, count: Limits.maxTransferData))
        #expect(throws: Never.self) { try TransferRules.checkSanityAndSignature(transfer, params: params) }
        expectAccepted(chain.makeBlock(transfers: [transfer]), in: chain)
    }

    @Test func rejectsTransferForAnotherNetwork() {
        let transfer = chain.transfer(to: alice, amount: 10, networkID: ChainParams.devnet.networkID)
        #expect(transfer.hasValidSignature)  // validly signed, for devnet
        expectRejection(chain.makeBlock(transfers: [transfer]),
                        by: .wrongNetwork(expected: params.networkID, actual: ChainParams.devnet.networkID),
                        at: .sanity, in: chain)
    }

    enum BadSignature: String, CaseIterable {
        case otherKey, otherTransfer, allZero, highS, flippedBit
    }

    @Test(arguments: BadSignature.allCases)
    func rejectsInvalidSignature(kind: BadSignature) {
        let valid = chain.transfer(to: alice, amount: 10)
        let signature: Signature = switch kind {
        case .otherKey: ChainBuilder.testKey(9).sign(digest: valid.signatureDigest)
        case .otherTransfer: chain.transfer(to: alice, amount: 11).signature
        case .allZero: .empty
        case .highS: Self.highS(valid.signature)
        case .flippedBit: Signature(bytes: valid.signature.bytes.enumerated().map { $0 == 40 ? $1 ^ 0x10 : $1 })!
        }
        let transfer = valid.withSignature(signature)
        #expect(transfer.id == valid.id)
        expectRejection(chain.makeBlock(transfers: [transfer]), by: .invalidSignature(transfer.id),
                        at: .signatures, in: chain)
    }

    /// The decoder does not check the sender key; a key off the curve fails
    /// the signature check (and does not trap).
    @Test func rejectsSenderKeyNotOnTheCurve() throws {
        var bytes = chain.transfer(to: alice, amount: 10).encoded
        for i in 5..<38 { bytes[i] = 0xFF }  // the 33-byte sender key: prefix 0xFF is not a point
        let transfer = try Transfer(decoding: bytes)
        #expect(!transfer.hasValidSignature)
        #expect(throws: ValidationError.invalidSignature(transfer.id)) {
            try TransferRules.checkSanityAndSignature(transfer, params: params)
        }
    }

    @Test func rejectsZeroAmount() {
        let transfer = chain.transfer(to: alice, amount: 0)
        expectRejection(chain.makeBlock(transfers: [transfer]), by: .zeroAmount(transfer.id), at: .sanity, in: chain)
    }

    @Test(arguments: [UInt64(0), 1, 999])
    func rejectsFeeBelowMinimum(fee: UInt64) {
        let transfer = chain.transfer(to: alice, amount: 10, fee: fee)
        expectRejection(chain.makeBlock(transfers: [transfer]),
                        by: .feeBelowMinimum(transfer.id, fee: fee, minimum: params.minimumFee),
                        at: .sanity, in: chain)
    }

    @Test(arguments: [Limits.maxTransferData + 1, 1_000, Int(UInt16.max)])
    func rejectsDataOverTheLimit(size: Int) {
        let transfer = chain.transfer(to: alice, amount: 10, data: [UInt8](repeating: 3, count: size))
        expectRejection(chain.makeBlock(transfers: [transfer]), by: .dataTooLarge(transfer.id), at: .sanity, in: chain)
    }

    /// amount + fee overflowing is caught by sanity; connect checks the same sum.
    @Test func rejectsAmountPlusFeeOverflow() {
        let transfer = chain.transfer(to: alice, amount: .max, fee: params.minimumFee)
        #expect(transfer.totalCost == nil)
        expectRejection(chain.makeBlock(transfers: [transfer]), by: .amountOverflow(transfer.id),
                        failures: [.sanity: .amountOverflow(transfer.id), .connect: .amountOverflow(transfer.id)],
                        in: chain)
    }

    @Test func sanityRulesRunInOrderAndReportTheFirstBroken() {
        // Wrong network and zero amount: network first.
        let transfer = chain.transfer(to: alice, amount: 0, fee: 0, networkID: 1)
        #expect(throws: ValidationError.wrongNetwork(expected: params.networkID, actual: 1)) {
            try TransferRules.checkSanity(transfer, params: params)
        }
    }
}
