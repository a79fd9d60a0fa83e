import ObolCore
import ObolTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct TransferTests {
    let chain = ChainBuilder()
    let key = ChainBuilder.allocationKey
    let recipient = ChainBuilder.testAddress(1)

    @Test func idDoesNotChangeWithTheSignature() {
        let transfer = chain.transfer(to: recipient, amount: 10)
        let resigned = transfer.withSignature(ChainBuilder.testKey(5).sign(digest: transfer.signatureDigest))
        #expect(resigned.id == transfer.id)
        #expect(resigned.encoded != transfer.encoded)
        #expect(transfer.withSignature(.empty).id == transfer.id)
        #expect(TransferRulesTests.highS(transfer.signature) != transfer.signature)
        #expect(transfer.withSignature(TransferRulesTests.highS(transfer.signature)).id == transfer.id)
    }

    @Test func idCommitsToEveryOtherField() {
        let base = chain.transfer(to: recipient, amount: 10, fee: 1_000, nonce: 0, data: [1])
        let variants = [
            chain.transfer(to: ChainBuilder.testAddress(2), amount: 10, fee: 1_000, nonce: 0, data: [1]),
            chain.transfer(to: recipient, amount: 11, fee: 1_000, nonce: 0, data: [1]),
            chain.transfer(to: recipient, amount: 10, fee: 1_001, nonce: 0, data: [1]),
            chain.transfer(to: recipient, amount: 10, fee: 1_000, nonce: 1, data: [1]),
            chain.transfer(to: recipient, amount: 10, fee: 1_000, nonce: 0, data: [2]),
            chain.transfer(to: recipient, amount: 10, fee: 1_000, nonce: 0, data: [1], networkID: 1),
            chain.transfer(from: ChainBuilder.testKey(3), to: recipient, amount: 10, fee: 1_000, nonce: 0, data: [1]),
        ]
        #expect(Set(variants.map(\.id) + [base.id]).count == variants.count + 1)
    }

    @Test func signatureDigestIsDomainSeparatedFromTheID() {
        let transfer = chain.transfer(to: recipient, amount: 10)
        #expect(transfer.signatureDigest == SHA256.hash(Transfer.signatureDomain + transfer.id.bytes))
        #expect(transfer.signatureDigest != transfer.id)
        #expect(transfer.hasValidSignature)
    }

    @Test func devnetTransferFailsOnTheTestNetwork() {
        let devnetTransfer = Transfer.signed(by: key, networkID: ChainParams.devnet.networkID, to: recipient,
                                             amount: 10, fee: 1_000, nonce: 0)
        #expect(throws: Never.self) { try TransferRules.checkSanityAndSignature(devnetTransfer, params: .devnet) }
        #expect(throws: ValidationError.wrongNetwork(expected: ChainParams.test.networkID,
                                                     actual: ChainParams.devnet.networkID)) {
            try TransferRules.checkSanityAndSignature(devnetTransfer, params: .test)
        }
        // Relabelled for the test network, its signature no longer matches.
        let relabelled = Transfer(networkID: ChainParams.test.networkID, sender: devnetTransfer.sender,
                                  recipient: recipient, amount: 10, fee: 1_000, nonce: 0,
                                  signature: devnetTransfer.signature)
        #expect(throws: ValidationError.invalidSignature(relabelled.id)) {
            try TransferRules.checkSanityAndSignature(relabelled, params: .test)
        }
    }

    @Test func replayingAConfirmedTransferFailsWithBadNonce() throws {
        var chain = chain
        let transfer = chain.transfer(to: recipient, amount: 10)
        try chain.mine(transfers: [transfer])
        #expect(chain.state[recipient].balance == 10)
        expectRejection(chain.makeBlock(transfers: [transfer]), by: .badNonce(transfer.id, expected: 1, actual: 0),
                        at: .connect, in: chain)
        // Also a few blocks later.
        try chain.mine(count: 3)
        #expect(throws: ValidationError.badNonce(transfer.id, expected: 1, actual: 0)) {
            try chain.mine(transfers: [transfer])
        }
        #expect(chain.state[recipient].balance == 10)
    }

    @Test func sizeMatchesEncodingForEveryDataLength() {
        for length in [0, 1, 100, Limits.maxTransferData] {
            let transfer = chain.transfer(to: recipient, amount: 1, data: [UInt8](repeating: 0, count: length))
            #expect(transfer.size == transfer.encoded.count)
            #expect(transfer.size == Transfer.baseSize + length)
        }
    }

    /// Found by the FuzzTransfer target: the decoder takes any 33 bytes as the sender's key (checking the point
    /// costs a decompression, which the signature check does anyway), so such a transfer decodes, re-encodes
    /// to the same bytes, and is refused only by its signature.
    @Test func senderKeyOffTheCurveDecodesButNeverVerifies() throws {
        var bytes = chain.transfer(to: recipient, amount: 10).encoded
        bytes[1 + 4] = 0x05  // the sender key's prefix byte: neither 02 nor 03
        let transfer = try Transfer(decoding: bytes)
        #expect(transfer.encoded == bytes)
        #expect(throws: KeyError.invalidPublicKey) { try PublicKey(bytes: transfer.sender.bytes) }
        #expect(!transfer.hasValidSignature)
    }

    @Test func totalCostIsNilOnOverflow() {
        #expect(chain.transfer(to: recipient, amount: .max - 1_000, fee: 1_000).totalCost == .max)
        #expect(chain.transfer(to: recipient, amount: .max - 999, fee: 1_000).totalCost == nil)
    }
}
