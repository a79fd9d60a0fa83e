import ObolCore
import Testing

/// Whose fault a refusal is decides whether a peer is discouraged: only rules
/// no honest peer breaks count against the sender.
@Suite(.timeLimit(.minutes(1))) struct RejectionFaultTests {
    static let id = Hash256.zero

    @Test(arguments: [
        MempoolRejection.invalid(.invalidSignature(id)),
        .invalid(.wrongNetwork(expected: 1, actual: 2)),
        .invalid(.zeroAmount(id)),
        .invalid(.feeBelowMinimum(id, fee: 1, minimum: 2)),
        .invalid(.dataTooLarge(id)),
        .invalid(.amountOverflow(id)),
    ])
    func statelessRuleBreaksAreTheSendersFault(_ rejection: MempoolRejection) {
        #expect(rejection.isPeerFault)
    }

    @Test(arguments: [
        MempoolRejection.invalid(.badNonce(id, expected: 1, actual: 0)),
        .invalid(.insufficientBalance(id, balance: 0, needed: 1)),
        .invalid(.immatureCoinbaseSpend(id, spendable: 0, needed: 1, spendableFrom: 9)),
        .duplicate, .nonceTooLow(expected: 2, actual: 1), .nonceGap(expected: 1, actual: 3),
        .insufficientBalance(balance: 0, needed: 1), .replacementFeeTooLow(minimum: 2, actual: 1),
        .tooManyPending(limit: 25), .full,
    ])
    func racesAndOurOwnLimitsAreNot(_ rejection: MempoolRejection) {
        #expect(!rejection.isPeerFault)
    }

    @Test func blockRefusalsThatHonestPeersCauseAreNotTheirFault() {
        #expect(BlockRejection.rule(.merkleRootMismatch).isPeerFault)
        #expect(BlockRejection.invalidAncestor(Self.id).isPeerFault)
        #expect(!BlockRejection.rule(.timestampTooFarInFuture(timestamp: 2, limit: 1)).isPeerFault)
        #expect(!BlockRejection.unknownParent(Self.id).isPeerFault)
        #expect(!BlockRejection.forkTooDeep(forkBelow: 3).isPeerFault)
        #expect(!BlockRejection.storage("disk full").isPeerFault)
    }
}
