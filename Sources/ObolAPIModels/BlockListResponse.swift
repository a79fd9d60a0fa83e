/// `GET /blocks`: one page of best-chain block summaries.
public struct BlockListResponse: Codable, Sendable, Hashable {
    /// In the order asked for (`order=desc`, the default, is newest first).
    public var blocks: [BlockSummary]
    /// The `from` that fetches the next page in the same order; absent on the
    /// last page.
    public var next: UInt64?

    public init(blocks: [BlockSummary], next: UInt64?) {
        self.blocks = blocks
        self.next = next
    }
}
