import ObolCore

/// What `ChainActor.submitHeaders` did with a batch of headers.
public struct HeaderSubmitResult: Sendable, Equatable {
    /// Headers in the batch that are in the tree now (new or already known),
    /// from the first; processing stops at the first rejected one.
    public var accepted: Int
    /// Of those, the headers the tree did not know before.
    public var added: Int
    /// Why the header after the accepted ones was refused (nil: all accepted).
    public var rejection: BlockRejection?

    public init(accepted: Int, added: Int, rejection: BlockRejection? = nil) {
        self.accepted = accepted
        self.added = added
        self.rejection = rejection
    }

    /// The sender sent something it should not have (a peer to discourage).
    public var isPeerFault: Bool { rejection?.isPeerFault ?? false }
}
