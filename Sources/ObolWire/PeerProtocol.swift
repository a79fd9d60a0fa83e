import ObolCore

/// The protocol with one peer, as a value: it takes a `PeerEvent` and returns the `PeerAction`s to carry out,
/// in order. It reads no clock and does no I/O; the driver (the peer's task in the transport layer) feeds it
/// decoded messages, ticks and the node's commands, and performs the actions. Rules: PROTOCOL.md §10.5.
public struct PeerProtocol: Sendable {
    public enum Phase: Sendable, Equatable {
        /// Not yet connected.
        case idle
        /// Our `version` is sent; waiting for the peer's `version`.
        case awaitingVersion
        /// The peer's `version` arrived and we answered `verack`; waiting for its `verack`.
        case awaitingVerack
        case established
        case closed(DisconnectReason)
    }

    public let configuration: PeerConfiguration
    public private(set) var phase: Phase = .idle
    /// What the peer said in its `version`.
    public private(set) var peerVersion: VersionMessage?
    /// Inventory the peer is known to have (it announced, sent or was sent it); bounded.
    public private(set) var knownInventory: RecentSet<InventoryItem>
    /// The round trip of the last answered `ping`.
    public private(set) var lastPingTime: Duration?
    /// Addresses of `addr` messages dropped over the rate allowance.
    public private(set) var addressesDropped = 0

    private var ourVersion: VersionMessage
    private var locator: [Hash256]
    private var handshakeDeadline: Duration?
    private var nextPingAt: Duration?
    private var outstandingPing: (nonce: UInt64, sentAt: Duration)?
    private var nonceState: UInt64
    private var servedAddresses = false
    /// The address allowance (a token bucket): one address to start with, `addressRate` more per second
    /// up to `addressBurst`, and a full `addr` after our `getaddr`.
    private var addressTokens = 1.0
    private var addressTokensAt: Duration = .zero
    private var servedMempool = false

    /// - Parameters:
    ///   - ourVersion: our `version` message (its network id should be `configuration.networkID`).
    ///   - locator: our block locator, sent in `getheaders` if the peer reports more work than ours.
    ///   - nonceSeed: seeds the ping nonces (any value; random in production, fixed in tests).
    public init(configuration: PeerConfiguration, ourVersion: VersionMessage, locator: [Hash256], nonceSeed: UInt64) {
        self.configuration = configuration
        self.ourVersion = ourVersion
        self.locator = Array(locator.prefix(FrameLimits.maxLocatorHashes))
        self.nonceState = nonceSeed
        knownInventory = RecentSet(capacity: configuration.knownInventoryCapacity)
    }

    /// The time of the next timer the driver must deliver, if any.
    public var nextDeadline: Duration? {
        switch phase {
        case .idle, .closed: nil
        case .awaitingVersion, .awaitingVerack: handshakeDeadline
        case .established:
            if let outstandingPing { outstandingPing.sentAt + configuration.pongTimeout } else { nextPingAt }
        }
    }

    public var isEstablished: Bool { phase == .established }

    /// Handles one event. After a `disconnect` action every later event returns no action.
    public mutating func handle(_ event: PeerEvent) -> [PeerAction] {
        if case .closed = phase { return [] }
        let deadline = nextDeadline
        var actions: [PeerAction] = []
        switch event {
        case let .connected(now): connect(now: now, &actions)
        case let .received(message, now): receive(message, now: now, &actions)
        case let .malformed(error): close(.malformedFrame(error), &actions)
        case let .tick(now): tick(now: now, &actions)
        case let .command(command): perform(command, &actions)
        }
        if case .closed = phase { return actions }
        if let next = nextDeadline, next != deadline { actions.append(.scheduleTick(at: next)) }
        return actions
    }

    // MARK: - Handshake

    private mutating func connect(now: Duration, _ actions: inout [PeerAction]) {
        guard phase == .idle else { return }
        phase = .awaitingVersion
        handshakeDeadline = now + configuration.handshakeTimeout
        actions.append(.send(.version(ourVersion)))
    }

    private mutating func receive(_ message: Message, now: Duration, _ actions: inout [PeerAction]) {
        switch (phase, message) {
        case (.idle, _):
            close(.protocolViolation(.messageBeforeVersion(message.command)), &actions)
        case let (.awaitingVersion, .version(version)):
            guard version.networkID == configuration.networkID else {
                return close(.networkMismatch(ours: configuration.networkID, theirs: version.networkID), &actions)
            }
            guard version.protocolVersion >= configuration.minimumProtocolVersion else {
                return close(.unsupportedProtocolVersion(version.protocolVersion), &actions)
            }
            peerVersion = version
            phase = .awaitingVerack
            actions.append(.send(.verack))
        case (.awaitingVersion, _):
            close(.protocolViolation(.messageBeforeVersion(message.command)), &actions)
        case (.awaitingVerack, .verack):
            establish(now: now, &actions)
        case (.awaitingVerack, .version), (.established, .version):
            close(.protocolViolation(.duplicateVersion), &actions)
        case (.awaitingVerack, _):
            close(.protocolViolation(.messageBeforeVerack(message.command)), &actions)
        case (.established, _):
            receiveEstablished(message, now: now, &actions)
        case (.closed, _):
            break
        }
    }

    private mutating func establish(now: Duration, _ actions: inout [PeerAction]) {
        guard let peerVersion else { return }
        phase = .established
        handshakeDeadline = nil
        nextPingAt = now + configuration.pingInterval
        addressTokensAt = now
        actions.append(.handshakeCompleted(peerVersion))
        if configuration.asksForAddresses {
            addressTokens += Double(FrameLimits.maxAddresses)
            actions.append(.send(.getaddr))
        }
        if let limit = configuration.mempoolRequestLimit { actions.append(.send(.mempool(limit: limit))) }
        if peerVersion.chainWork > ourVersion.chainWork {
            actions.append(.send(.getheaders(HeaderRequest(locator: locator))))
        }
    }

    // MARK: - After the handshake

    private mutating func receiveEstablished(_ message: Message, now: Duration, _ actions: inout [PeerAction]) {
        switch message {
        case .version: close(.protocolViolation(.duplicateVersion), &actions)
        case .verack: close(.protocolViolation(.duplicateVerack), &actions)
        case let .ping(nonce): actions.append(.send(.pong(nonce: nonce)))
        case let .pong(nonce):
            // A pong that answers no ping of ours (late, or unasked) is ignored.
            guard let ping = outstandingPing, ping.nonce == nonce else { return }
            lastPingTime = now - ping.sentAt
            outstandingPing = nil
            nextPingAt = now + configuration.pingInterval
        case .getaddr:
            guard !servedAddresses else { return }
            servedAddresses = true
            actions.append(.serveAddresses)
        case let .addr(entries):
            let accepted = takeAddressTokens(entries.count, now: now)
            addressesDropped += entries.count - accepted
            if accepted > 0 { actions.append(.deliverAddresses(Array(entries.prefix(accepted)))) }
        case let .inv(items):
            for item in items { knownInventory.insert(item) }
            actions.append(.deliverInventory(items))
        case let .getdata(items): actions.append(.serveData(items))
        case let .notfound(items): actions.append(.deliverNotFound(items))
        case let .getheaders(request): actions.append(.serveHeaders(request))
        case let .headers(headers): receiveHeaders(headers, &actions)
        case let .block(block):
            knownInventory.insert(.block(block.hash))
            actions.append(.deliverBlock(block))
        case let .tx(transfer):
            knownInventory.insert(.transfer(transfer))
            actions.append(.deliverTransfer(transfer))
        case let .mempool(limit):
            guard !servedMempool else { return }
            servedMempool = true
            actions.append(.serveMempool(limit: limit))
        }
    }

    /// Refills the address allowance up to `now` and takes up to `count` addresses from it.
    private mutating func takeAddressTokens(_ count: Int, now: Duration) -> Int {
        if addressTokens < configuration.addressBurst, now > addressTokensAt {
            let (seconds, attoseconds) = (now - addressTokensAt).components
            let elapsed = Double(seconds) + Double(attoseconds) / 1e18
            addressTokens = min(configuration.addressBurst, addressTokens + elapsed * configuration.addressRate)
        }
        addressTokensAt = max(addressTokensAt, now)
        let taken = min(count, Int(addressTokens))
        addressTokens -= Double(taken)
        return taken
    }

    private mutating func receiveHeaders(_ headers: [BlockHeader], _ actions: inout [PeerAction]) {
        var hashes: [Hash256] = []
        hashes.reserveCapacity(headers.count)
        for (index, header) in headers.enumerated() {
            if index > 0, header.previousHash != hashes[index - 1] {
                return close(.protocolViolation(.unconnectedHeaders), &actions)
            }
            hashes.append(header.hash)
        }
        for hash in hashes { knownInventory.insert(.block(hash)) }
        if !headers.isEmpty { actions.append(.deliverHeaders(headers)) }
        // A full reply means the peer has more: continue from its last header.
        if headers.count == FrameLimits.maxHeaders, let last = hashes.last {
            actions.append(.send(.getheaders(HeaderRequest(locator: [last]))))
        }
    }

    private mutating func tick(now: Duration, _ actions: inout [PeerAction]) {
        switch phase {
        case .awaitingVersion, .awaitingVerack:
            if let handshakeDeadline, now >= handshakeDeadline { close(.handshakeTimeout, &actions) }
        case .established:
            if let outstandingPing {
                if now >= outstandingPing.sentAt + configuration.pongTimeout { close(.pongTimeout, &actions) }
            } else if let nextPingAt, now >= nextPingAt {
                let nonce = nextNonce()
                outstandingPing = (nonce, now)
                actions.append(.send(.ping(nonce: nonce)))
            }
        case .idle, .closed:
            break
        }
    }

    // MARK: - Node commands

    private mutating func perform(_ command: PeerCommand, _ actions: inout [PeerAction]) {
        if case let .disconnect(discourage) = command { return close(.requestedByNode(discourage: discourage), &actions) }
        if case let .ourChainChanged(height, work) = command {
            ourVersion.bestHeight = height
            ourVersion.chainWork = work
            return
        }
        guard phase == .established else { return }
        switch command {
        case let .announceHeaders(headers):
            let fresh = headers.filter { knownInventory.insert(.block($0.hash)) }
            for chunk in fresh.chunks(of: FrameLimits.maxHeaders) { actions.append(.send(.headers(chunk))) }
        case let .relayTransfers(transfers):
            let fresh = transfers.map(InventoryItem.transfer).filter { knownInventory.insert($0) }
            for chunk in fresh.chunks(of: FrameLimits.maxInventory) { actions.append(.send(.inv(chunk))) }
        case let .requestBlocks(hashes):
            for chunk in hashes.map(InventoryItem.block).chunks(of: FrameLimits.maxInventory) {
                actions.append(.send(.getdata(chunk)))
            }
        case let .requestTransfers(hashes):
            let items = hashes.map { InventoryItem(kind: .transfer, hash: $0) }
            for chunk in items.chunks(of: FrameLimits.maxInventory) { actions.append(.send(.getdata(chunk))) }
        case let .requestHeaders(locator):
            actions.append(.send(.getheaders(HeaderRequest(locator: Array(locator.prefix(FrameLimits.maxLocatorHashes))))))
        case let .send(message):
            markKnown(message)
            actions.append(.send(message))
        case .ourChainChanged, .disconnect:
            break
        }
    }

    /// What we send the peer, it has (or knows of): never announce it back.
    private mutating func markKnown(_ message: Message) {
        switch message {
        case let .block(block): knownInventory.insert(.block(block.hash))
        case let .tx(transfer): knownInventory.insert(.transfer(transfer))
        case let .headers(headers): for header in headers { knownInventory.insert(.block(header.hash)) }
        case let .inv(items): for item in items { knownInventory.insert(item) }
        default: break
        }
    }

    private mutating func close(_ reason: DisconnectReason, _ actions: inout [PeerAction]) {
        phase = .closed(reason)
        actions.append(.disconnect(reason))
    }

    /// SplitMix64: distinct nonces from one seed, no clock or global generator.
    private mutating func nextNonce() -> UInt64 {
        nonceState &+= 0x9E37_79B9_7F4A_7C15
        var z = nonceState
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements, as arrays (none for an empty array).
    public func chunks(of size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
