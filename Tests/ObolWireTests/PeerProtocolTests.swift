import ObolCore
import ObolTestSupport
import ObolWire
import Testing

@Suite(.timeLimit(.minutes(1))) struct PeerProtocolTests {
    static let networkID = ChainParams.test.networkID
    static let locator = WireSamples.hashes(3)

    static func makePeer(ourWork: UInt256 = UInt256(1_000), mempoolLimit: UInt32? = nil,
                         knownCapacity: Int = 20_000) -> PeerProtocol {
        var configuration = PeerConfiguration(networkID: networkID)
        configuration.mempoolRequestLimit = mempoolLimit
        configuration.knownInventoryCapacity = knownCapacity
        return PeerProtocol(configuration: configuration, ourVersion: WireSamples.version(work: ourWork),
                            locator: locator, nonceSeed: 1)
    }

    /// A peer past the handshake at time 0 (the peer reports as much work as ours: no sync).
    static func establishedPeer(knownCapacity: Int = 20_000) -> PeerProtocol {
        var peer = makePeer(knownCapacity: knownCapacity)
        _ = peer.handle(.connected(now: .zero))
        _ = peer.handle(.received(.version(WireSamples.version()), now: .zero))
        _ = peer.handle(.received(.verack, now: .zero))
        return peer
    }

    static func sent(_ actions: [PeerAction]) -> [Message] {
        actions.compactMap { if case let .send(message) = $0 { message } else { nil } }
    }

    static func disconnectReason(_ actions: [PeerAction]) -> DisconnectReason? {
        actions.compactMap { if case let .disconnect(reason) = $0 { reason } else { nil } }.first
    }

    // MARK: Handshake

    @Test func handshakeSendsVersionThenVerackAndCompletesOnTheirVerack() {
        var peer = Self.makePeer()
        #expect(peer.handle(.connected(now: .seconds(5))) == [.send(.version(WireSamples.version())),
                                                              .scheduleTick(at: .seconds(15))])
        #expect(peer.handle(.received(.version(WireSamples.version()), now: .seconds(6))) == [.send(.verack)])
        #expect(!peer.isEstablished)
        let done = peer.handle(.received(.verack, now: .seconds(7)))
        #expect(done == [.handshakeCompleted(WireSamples.version()), .scheduleTick(at: .seconds(67))])
        #expect(peer.isEstablished)
    }

    @Test(arguments: [Message.verack, .ping(nonce: 1), .getaddr, .inv([]), .headers([])])
    func anyMessageBeforeTheirVersionIsAViolation(message: Message) throws {
        var peer = Self.makePeer()
        _ = peer.handle(.connected(now: .zero))
        let reason = try #require(Self.disconnectReason(peer.handle(.received(message, now: .seconds(1)))))
        #expect(reason == .protocolViolation(.messageBeforeVersion(message.command)))
        #expect(reason.isPeerFault)
        #expect(peer.handle(.received(.version(WireSamples.version()), now: .seconds(1))) == [])
    }

    @Test func aMessageBetweenTheirVersionAndVerackIsAViolation() {
        var peer = Self.makePeer()
        _ = peer.handle(.connected(now: .zero))
        _ = peer.handle(.received(.version(WireSamples.version()), now: .zero))
        #expect(peer.handle(.received(.ping(nonce: 3), now: .zero)) == [.disconnect(.protocolViolation(.messageBeforeVerack(.ping)))])
    }

    @Test func aSecondVersionIsAViolationBeforeAndAfterVerack() {
        var early = Self.makePeer()
        _ = early.handle(.connected(now: .zero))
        _ = early.handle(.received(.version(WireSamples.version()), now: .zero))
        #expect(early.handle(.received(.version(WireSamples.version()), now: .zero)) == [.disconnect(.protocolViolation(.duplicateVersion))])

        var late = Self.establishedPeer()
        #expect(late.handle(.received(.version(WireSamples.version()), now: .zero)) == [.disconnect(.protocolViolation(.duplicateVersion))])
        var twice = Self.establishedPeer()
        #expect(twice.handle(.received(.verack, now: .zero)) == [.disconnect(.protocolViolation(.duplicateVerack))])
    }

    @Test func anotherNetworkDisconnectsWithoutFault() throws {
        var peer = Self.makePeer()
        _ = peer.handle(.connected(now: .zero))
        let actions = peer.handle(.received(.version(WireSamples.version(networkID: Self.networkID &+ 1)), now: .zero))
        let reason = try #require(Self.disconnectReason(actions))
        #expect(reason == .networkMismatch(ours: Self.networkID, theirs: Self.networkID &+ 1))
        #expect(!reason.isPeerFault)
        #expect(Self.sent(actions).isEmpty)
    }

    @Test func protocolVersionZeroIsUnsupportedButNoFault() {
        var peer = Self.makePeer()
        _ = peer.handle(.connected(now: .zero))
        var old = WireSamples.version()
        old.protocolVersion = 0
        let actions = peer.handle(.received(.version(old), now: .zero))
        #expect(actions == [.disconnect(.unsupportedProtocolVersion(0))])
        #expect(!DisconnectReason.unsupportedProtocolVersion(0).isPeerFault)
    }

    @Test func handshakeTimesOutAfterTenSecondsWithoutFault() {
        var peer = Self.makePeer()
        _ = peer.handle(.connected(now: .seconds(100)))
        _ = peer.handle(.received(.version(WireSamples.version()), now: .seconds(101)))
        #expect(peer.handle(.tick(now: .seconds(109.999))) == [])
        #expect(peer.handle(.tick(now: .seconds(110))) == [.disconnect(.handshakeTimeout)])
        #expect(!DisconnectReason.handshakeTimeout.isPeerFault)
    }

    @Test func aMalformedFrameDisconnectsAtFault() {
        var peer = Self.establishedPeer()
        let actions = peer.handle(.malformed(.unknownCommand(0x42)))
        #expect(actions == [.disconnect(.malformedFrame(.unknownCommand(0x42)))])
        #expect(DisconnectReason.malformedFrame(.unknownCommand(0x42)).isPeerFault)
    }

    // MARK: Ping

    @Test func pingsAfterTheIntervalAndDisconnectsASilentPeerWithoutFault() throws {
        var peer = Self.establishedPeer()
        #expect(peer.handle(.tick(now: .seconds(59))) == [])
        let ping = peer.handle(.tick(now: .seconds(60)))
        #expect(ping.count == 2)
        guard case .send(.ping) = ping.first else { Issue.record("expected a ping: \(ping)"); return }
        #expect(ping.last == .scheduleTick(at: .seconds(80)))
        #expect(peer.handle(.tick(now: .seconds(79))) == [])
        let reason = try #require(Self.disconnectReason(peer.handle(.tick(now: .seconds(80)))))
        #expect(reason == .pongTimeout)
        #expect(!reason.isPeerFault)
    }

    @Test func aMatchingPongResetsThePingTimerAndAStrayOneIsIgnored() throws {
        var peer = Self.establishedPeer()
        let ping = peer.handle(.tick(now: .seconds(60)))
        guard case let .send(.ping(nonce)) = ping.first else { Issue.record("no ping"); return }
        #expect(peer.handle(.received(.pong(nonce: nonce &+ 1), now: .seconds(61))) == [])
        #expect(peer.handle(.received(.pong(nonce: nonce), now: .seconds(62))) == [.scheduleTick(at: .seconds(122))])
        #expect(peer.handle(.tick(now: .seconds(100))) == [])
        let next = peer.handle(.tick(now: .seconds(122)))
        guard case let .send(.ping(second)) = next.first else { Issue.record("no second ping"); return }
        #expect(second != nonce)
    }

    @Test func answersPingWithPong() {
        var peer = Self.establishedPeer()
        #expect(peer.handle(.received(.ping(nonce: 77), now: .seconds(1))) == [.send(.pong(nonce: 77))])
    }

    // MARK: Sync

    @Test func asksForHeadersWithOurLocatorWhenThePeerHasMoreWork() {
        var peer = Self.makePeer(ourWork: UInt256(999), mempoolLimit: 5_000)
        _ = peer.handle(.connected(now: .zero))
        _ = peer.handle(.received(.version(WireSamples.version(work: UInt256(1_000))), now: .zero))
        let actions = peer.handle(.received(.verack, now: .zero))
        #expect(Self.sent(actions) == [.mempool(limit: 5_000), .getheaders(HeaderRequest(locator: Self.locator))])
    }

    @Test func doesNotAskForHeadersWhenThePeerHasNoMoreWork() {
        var peer = Self.makePeer(ourWork: UInt256(1_000))
        _ = peer.handle(.connected(now: .zero))
        _ = peer.handle(.received(.version(WireSamples.version(work: UInt256(1_000))), now: .zero))
        #expect(Self.sent(peer.handle(.received(.verack, now: .zero))).isEmpty)
    }

    @Test func comparesWorkWithOurChainAsTheNodeLastReportedIt() {
        var peer = Self.makePeer(ourWork: UInt256(1_000))
        _ = peer.handle(.connected(now: .zero))
        #expect(peer.handle(.command(.ourChainChanged(height: 41, work: UInt256(500)))) == [])
        _ = peer.handle(.received(.version(WireSamples.version(work: UInt256(1_000))), now: .zero))
        let actions = peer.handle(.received(.verack, now: .zero))
        #expect(Self.sent(actions) == [.getheaders(HeaderRequest(locator: Self.locator))])
    }

    static func chain(_ count: Int) -> [BlockHeader] {
        var headers: [BlockHeader] = []
        var previous = Hash256.zero
        for height in 0..<count {
            let header = BlockHeader(height: UInt64(height), previousHash: previous, merkleRoot: .zero, timestamp: 0,
                                     bits: CompactTarget(bits: 0x207f_ffff))
            headers.append(header)
            previous = header.hash
        }
        return headers
    }

    @Test func aFullHeadersReplyAsksForMoreFromItsLastHeader() {
        var peer = Self.establishedPeer()
        let full = Self.chain(FrameLimits.maxHeaders)
        let actions = peer.handle(.received(.headers(full), now: .seconds(1)))
        #expect(actions == [.deliverHeaders(full), .send(.getheaders(HeaderRequest(locator: [full.last!.hash])))])
        let short = Array(Self.chain(10))
        #expect(peer.handle(.received(.headers(short), now: .seconds(2))) == [.deliverHeaders(short)])
    }

    @Test func headersThatDoNotLinkAreAViolation() {
        var peer = Self.establishedPeer()
        var headers = Self.chain(3)
        headers.swapAt(1, 2)
        #expect(peer.handle(.received(.headers(headers), now: .zero)) == [.disconnect(.protocolViolation(.unconnectedHeaders))])
    }

    // MARK: Relay

    @Test func relayNeverEchoesWhatThePeerAnnouncedOrSent() {
        var peer = Self.establishedPeer()
        let announced = WireSamples.transfer(dataSize: 1)
        let sent = WireSamples.transfer(dataSize: 2)
        let fresh = WireSamples.transfer(dataSize: 3)
        #expect(peer.handle(.received(.inv([.transfer(announced)]), now: .zero)) == [.deliverInventory([.transfer(announced)])])
        #expect(peer.handle(.received(.tx(sent), now: .zero)) == [.deliverTransfer(sent)])
        let relay = peer.handle(.command(.relayTransfers([announced, sent, fresh])))
        #expect(relay == [.send(.inv([.transfer(fresh)]))])
        #expect(peer.handle(.command(.relayTransfers([fresh]))) == [])
    }

    @Test func announcesOnlyHeadersThePeerDoesNotHave() {
        var peer = Self.establishedPeer()
        let chain = Self.chain(4)
        _ = peer.handle(.received(.headers(Array(chain[..<2])), now: .zero))
        #expect(peer.handle(.command(.announceHeaders(chain))) == [.send(.headers(Array(chain[2...])))])
    }

    @Test func knownInventoryIsBoundedAndForgetsTheOldestFirst() {
        var peer = Self.establishedPeer(knownCapacity: 3)
        let items = WireSamples.inventory(5)
        _ = peer.handle(.received(.inv(items), now: .zero))
        #expect(peer.knownInventory.count == 3)
        #expect(!peer.knownInventory.contains(items[0]) && !peer.knownInventory.contains(items[1]))
        #expect(peer.knownInventory.contains(items[4]))
    }

    @Test func commandsBeforeTheHandshakeAreDroppedButDisconnectIsNot() {
        var peer = Self.makePeer()
        _ = peer.handle(.connected(now: .zero))
        #expect(peer.handle(.command(.requestBlocks(WireSamples.hashes(1)))) == [])
        #expect(peer.handle(.command(.disconnect(discourage: true))) == [.disconnect(.requestedByNode(discourage: true))])
    }

    @Test func requestsAndServesData() {
        var peer = Self.establishedPeer()
        let hashes = WireSamples.hashes(2)
        #expect(peer.handle(.command(.requestBlocks(hashes))) == [.send(.getdata(hashes.map(InventoryItem.block)))])
        let items = WireSamples.inventory(2)
        #expect(peer.handle(.received(.getdata(items), now: .zero)) == [.serveData(items)])
        let request = HeaderRequest(locator: hashes)
        #expect(peer.handle(.received(.getheaders(request), now: .zero)) == [.serveHeaders(request)])
    }

    @Test func servesAddressesAndMempoolOncePerConnection() {
        var peer = Self.establishedPeer()
        #expect(peer.handle(.received(.getaddr, now: .zero)) == [.serveAddresses])
        #expect(peer.handle(.received(.getaddr, now: .zero)) == [])
        #expect(peer.handle(.received(.mempool(limit: 10), now: .zero)) == [.serveMempool(limit: 10)])
        #expect(peer.handle(.received(.mempool(limit: 10), now: .zero)) == [])
    }

    // MARK: Address gossip

    static func delivered(_ actions: [PeerAction]) -> Int {
        actions.reduce(0) { if case let .deliverAddresses(entries) = $1 { $0 + entries.count } else { $0 } }
    }

    @Test func unsolicitedAddressesAreRateLimitedAndTheRestIsDroppedWithoutPunishment() {
        var peer = Self.establishedPeer()
        // One address to start with: a node announcing itself.
        #expect(Self.delivered(peer.handle(.received(.addr(WireSamples.addresses(1_000)), now: .zero))) == 1)
        #expect(peer.addressesDropped == 999)
        #expect(peer.isEstablished)
        // 0.1 per second: 100 seconds later, ten more.
        #expect(Self.delivered(peer.handle(.received(.addr(WireSamples.addresses(50)), now: .seconds(100)))) == 10)
        #expect(Self.delivered(peer.handle(.received(.addr(WireSamples.addresses(5)), now: .seconds(100)))) == 0)
        // The allowance saves up to 1,000 at most.
        let later = peer.handle(.received(.addr(WireSamples.addresses(1_000)), now: .seconds(1_000_000)))
        #expect(Self.delivered(later) == 1_000)
        #expect(Self.delivered(peer.handle(.received(.addr(WireSamples.addresses(1)), now: .seconds(1_000_000)))) == 0)
    }

    @Test func anOutboundPeerIsAskedForAddressesAndItsFullReplyIsAccepted() {
        var configuration = PeerConfiguration(networkID: Self.networkID)
        configuration.asksForAddresses = true
        var peer = PeerProtocol(configuration: configuration, ourVersion: WireSamples.version(),
                                locator: Self.locator, nonceSeed: 1)
        _ = peer.handle(.connected(now: .zero))
        _ = peer.handle(.received(.version(WireSamples.version()), now: .zero))
        #expect(Self.sent(peer.handle(.received(.verack, now: .zero))) == [.getaddr])
        #expect(Self.delivered(peer.handle(.received(.addr(WireSamples.addresses(1_000)), now: .seconds(1)))) == 1_000)
        #expect(peer.addressesDropped == 0)
    }
}
