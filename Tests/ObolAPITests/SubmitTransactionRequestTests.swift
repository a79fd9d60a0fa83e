import ObolAPIModels
import ObolCore
import ObolTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct SubmitTransactionRequestTests {
    /// Found by the FuzzTransfer target: the two forms of `POST /transactions` differ on a sender key off the
    /// curve. The raw form decodes it (the node then refuses the signature); the field form refuses it at once.
    @Test func senderKeyOffTheCurveIsRefusedByTheFieldFormOnly() throws {
        var bytes = ChainBuilder().transfer(to: ChainBuilder.testAddress(1), amount: 10).encoded
        bytes[1 + 4] = 0x05  // the sender key's prefix byte: neither 02 nor 03
        let transfer = try Transfer(decoding: bytes)
        #expect(try SubmitTransactionRequest(raw: transfer).transfer() == transfer)
        let refusal = #expect(throws: InvalidRequest.self) { try SubmitTransactionRequest(fields: transfer).transfer() }
        #expect(refusal?.code == "invalid-key")
    }

    @Test func bothFormsCarryAValidTransferUnchanged() throws {
        let transfer = ChainBuilder().transfer(to: ChainBuilder.testAddress(1), amount: 10, data: Array("memo".utf8))
        #expect(try SubmitTransactionRequest(raw: transfer).transfer() == transfer)
        #expect(try SubmitTransactionRequest(fields: transfer).transfer() == transfer)
    }
}
