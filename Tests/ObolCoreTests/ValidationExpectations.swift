import ObolCore
import ObolTestSupport
import Testing

/// Expects that `block`, as the next block of `chain`, is rejected with
/// exactly `error`, and that every stage but `stage` accepts it (so the test
/// would fail if the rule were removed: nothing else catches the block).
func expectRejection(_ block: Block, by error: ValidationError, at stage: ValidationStage,
                     in chain: ChainBuilder, context: HeaderContext? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    expectRejection(block, by: error, failures: [stage: error], in: chain, context: context,
                    sourceLocation: sourceLocation)
}

/// Expects that full validation throws exactly `error`, and that running the
/// stages one by one gives exactly `failures` (for blocks that by their
/// nature break a rule in two stages, such as a missing coinbase).
func expectRejection(_ block: Block, by error: ValidationError, failures: [ValidationStage: ValidationError],
                     in chain: ChainBuilder, context: HeaderContext? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    let context = context ?? chain.context(for: block)
    #expect(throws: error, sourceLocation: sourceLocation) { try chain.validate(block, context) }
    #expect(chain.stageFailures(of: block, context) == failures, sourceLocation: sourceLocation)
}

/// Expects that `block` passes every stage as the next block of `chain`.
func expectAccepted(_ block: Block, in chain: ChainBuilder, context: HeaderContext? = nil,
                    sourceLocation: SourceLocation = #_sourceLocation) {
    let context = context ?? chain.context(for: block)
    #expect(chain.stageFailures(of: block, context) == [:], sourceLocation: sourceLocation)
}
