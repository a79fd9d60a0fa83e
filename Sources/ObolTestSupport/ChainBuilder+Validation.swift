import ObolCore

/// One stage of full block validation, in the order a node runs them.
public enum ValidationStage: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `HeaderValidator.check`: proof of work, then the header's context.
    case header
    /// `BlockValidator.checkSanity`: rules that need no chain state.
    case sanity
    /// `BlockValidator.verifySignatures`.
    case signatures
    /// `AccountState.connect`: nonces, balances and the coinbase amount.
    case connect

    public var description: String { rawValue }
}

extension ChainBuilder {
    /// Runs every validation stage on `block` in order — header, sanity,
    /// signatures, then connect on a copy of `state` — and returns the undo
    /// data connecting it would produce. Throws the first rule broken.
    public static func validate(_ block: Block, _ context: HeaderContext, state: AccountState,
                                params: ChainParams) throws(ValidationError) -> BlockUndo {
        var copy = state
        return try checkAndConnect(block, context, state: &copy, params: params)
    }

    /// Runs every validation stage on `block` as a child of this chain's tip,
    /// against `context` (see ``context(for:now:)``), without changing the
    /// chain. Throws the first rule broken.
    @discardableResult
    public func validate(_ block: Block, _ context: HeaderContext) throws(ValidationError) -> BlockUndo {
        try Self.validate(block, context, state: state, params: params)
    }

    /// Runs each stage on its own, not stopping at the first failure, and
    /// returns the error of every stage that fails (empty when the block is
    /// valid). A test that breaks exactly one rule can check that exactly one
    /// stage fails, which proves the block passes every other stage.
    public static func stageFailures(of block: Block, _ context: HeaderContext, state: AccountState,
                                     params: ChainParams) -> [ValidationStage: ValidationError] {
        var failures = [ValidationStage: ValidationError]()
        for stage in ValidationStage.allCases {
            do throws(ValidationError) {
                switch stage {
                case .header: try HeaderValidator.check(block.header, context, params: params)
                case .sanity: try BlockValidator.checkSanity(block, params: params)
                case .signatures: try BlockValidator.verifySignatures(block)
                case .connect:
                    var copy = state
                    _ = try copy.connect(block, params: params)
                }
            } catch {
                failures[stage] = error
            }
        }
        return failures
    }

    /// ``stageFailures(of:_:state:params:)`` against this chain's tip and state.
    public func stageFailures(of block: Block, _ context: HeaderContext) -> [ValidationStage: ValidationError] {
        Self.stageFailures(of: block, context, state: state, params: params)
    }

    /// ``stageFailures(of:_:)`` with the context ``context(for:now:)`` gives.
    public func stageFailures(of block: Block, now: UInt64? = nil) -> [ValidationStage: ValidationError] {
        stageFailures(of: block, context(for: block, now: now))
    }

    /// All stages, connecting into `state` on success (connect leaves the
    /// state unchanged when it throws).
    static func checkAndConnect(_ block: Block, _ context: HeaderContext, state: inout AccountState,
                                params: ChainParams) throws(ValidationError) -> BlockUndo {
        try HeaderValidator.check(block.header, context, params: params)
        try BlockValidator.checkSanity(block, params: params)
        try BlockValidator.verifySignatures(block)
        return try state.connect(block, params: params)
    }
}
