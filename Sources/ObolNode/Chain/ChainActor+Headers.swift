import ObolCore

// Headers first: headers are checked and indexed without their bodies; the
// bodies to download are those missing on the most-work header chain.
extension ChainActor {
    /// Checks `headers` in order, cheaply and without bodies (linkage to a
    /// known header, proof of work, the expected target, median time past,
    /// future drift, the fork-depth bound), and adds them to the tree and the
    /// store. Each header must follow the one before it in the batch (else
    /// `.nonContinuousHeaders`, the sender's fault). Stops at the first
    /// refused header. Bodies waiting in memory that
    /// the new headers make worth validating are validated then.
    public func submitHeaders(_ headers: [BlockHeader], origin: Origin = .local) async -> HeaderSubmitResult {
        var result = HeaderSubmitResult(accepted: 0, added: 0)
        // Each new header is a store write: wait while the store lags, as `submit` does.
        if writer.backlog > options.writeBacklog {
            do { try await writer.waitForRoom(limit: options.writeBacklog / 2) } catch {
                result.rejection = .storage("the chain cannot be written: \(error)")
                return result
            }
        }
        let claimed = claimedWork(of: headers)
        var previous: Hash256?
        for header in headers {
            let hash = header.hash
            if let previous, header.previousHash != previous {
                result.rejection = .nonContinuousHeaders
                break
            }
            previous = hash
            let outcome = acceptHeader(header, hash: hash, persist: true, claimedWork: claimed)
            if let rejection = outcome.rejection {
                result.rejection = rejection
                logger.info("rejected header", metadata: ["hash": "\(hash)", "origin": "\(origin)",
                                                          "reason": "\(rejection)"])
                break
            }
            result.accepted += 1
            if outcome.added { result.added += 1 }
        }
        if result.added > 0 {
            await validateWaitingBodies()
            reportHeights()
        }
        return result
    }

    /// Bodies to download: header-only blocks on the most-work header chain
    /// after its fork from the best chain, in height order, at most `window`,
    /// leaving out bodies already waiting in memory. Nothing while the best
    /// header chain's work is below `params.minimumChainWork`.
    public func blocksToFetch(window: Int) -> [Hash256] {
        guard chain.tree.bestHeader.chainWork >= params.minimumChainWork else { return [] }
        return chain.tree.blocksToFetch(window: window) { holdsBody($0) }
    }

    /// The next bodies to download, with each block's height, for a downloader that asks only peers whose
    /// chains are that high: at most `limit` header-only blocks no more than `window` blocks above the
    /// tip, leaving out the bodies waiting in memory, those being validated and those in `excluding`
    /// (already requested).
    /// `peerTips` (each peer's best known header) names who can serve each block (`BlockTree.holders`).
    /// Blocks on a peer's chain that out-works the tip but is not the best header chain (a header first seen
    /// at the same height, whose body never comes, must not keep the honest block out) follow, with that peer
    /// as their holder, as Bitcoin Core downloads along each peer's best known chain.
    public func downloadCandidates(window: Int, limit: Int = .max, excluding: Set<Hash256> = [],
                                   peerTips: [UInt64: Hash256] = [:]) -> [DownloadCandidate] {
        guard limit > 0, chain.tree.bestHeader.chainWork >= params.minimumChainWork else { return [] }
        let atHand = { (hash: Hash256) in self.holdsBody(hash) || self.inFlight[hash] != nil || excluding.contains(hash) }
        let blocks = chain.tree.blocksToFetch(window: limit, reach: window, skip: atHand)
            .compactMap { hash in chain.tree.entry(hash).map { (hash, $0.height) } }
        let holders = chain.tree.holders(of: blocks, peerTips: peerTips)
        var candidates = blocks.map { DownloadCandidate(hash: $0.0, height: $0.1, holders: holders[$0.0] ?? []) }
        var listed = Dictionary(uniqueKeysWithValues: candidates.enumerated().map { ($1.hash, $0) })
        let tipWork = chain.tree.tip.chainWork
        for (peer, peerTip) in peerTips.sorted(by: { $0.key < $1.key }) {
            guard let entry = chain.tree.entry(peerTip), entry.chainWork > tipWork,
                  !chain.tree.isOnBestHeaderChain(peerTip) else { continue }
            var branch: [BlockIndexEntry] = []
            var cursor: BlockIndexEntry? = entry
            while let current = cursor, !current.hasBody, current.status != .invalid, branch.count < window {
                branch.append(current)
                cursor = chain.tree.entry(current.previousHash)
            }
            // Only a branch whose lowest missing body sits on a block we have can be validated as it comes.
            guard cursor?.hasBody == true else { continue }
            for block in branch.reversed() where !atHand(block.hash) {
                if let index = listed[block.hash] {
                    candidates[index].holders.insert(peer)
                } else if candidates.count < limit {
                    listed[block.hash] = candidates.count
                    candidates.append(DownloadCandidate(hash: block.hash, height: block.height, holders: [peer]))
                }
            }
        }
        return candidates
    }

    /// The height and cumulative work of a known header (nil when unknown): how far a peer that sent
    /// or announced it has got.
    public func heightAndWork(of hash: Hash256) -> (height: UInt64, work: UInt256)? {
        chain.tree.entry(hash).map { ($0.height, $0.chainWork) }
    }

    /// The work a batch's chain carries: its parent's, plus that of each
    /// header, in order, as long as they link up and meet their own targets
    /// (work really spent, whatever else is wrong with them). The fork-depth
    /// bound judges a batch by it, so the first headers of a deep fork that
    /// out-works the tip are not refused for their own small work.
    func claimedWork(of headers: [BlockHeader]) -> UInt256? {
        guard let first = headers.first, let parent = chain.tree.entry(first.previousHash) else { return nil }
        var work = parent.chainWork
        var previous = parent.hash
        for header in headers {
            guard header.previousHash == previous, (try? HeaderValidator.checkProofOfWork(header)) != nil,
                  let target = header.bits.target, target <= params.maxTarget else { break }
            work = work + target.workForTarget
            previous = header.hash
        }
        return work
    }

    /// Checks one header whose parent should be in the tree and adds it
    /// (written to the store when `persist`). `added` is false for a header
    /// already known. `claimedWork`: see `claimedWork(of:)`.
    func acceptHeader(_ header: BlockHeader, hash: Hash256, persist: Bool,
                      claimedWork: UInt256? = nil) -> (rejection: BlockRejection?, added: Bool) {
        if let known = chain.tree.entry(hash) { return (known.status == .invalid ? .knownInvalid : nil, false) }
        if recentlyInvalid.contains(hash) { return (.knownInvalid, false) }
        guard let parent = chain.tree.entry(header.previousHash) else {
            return (.unknownParent(header.previousHash), false)
        }
        guard parent.status != .invalid else {
            remember(invalid: hash)
            return (.invalidAncestor(parent.hash), false)
        }
        do throws(ValidationError) {
            let context = chain.tree.context(forChildOf: parent.hash, now: clock.now(), params: params)!
            try HeaderValidator.check(header, context, params: params)
        } catch {
            return (rejection(hash, error), false)
        }
        let work = parent.chainWork + (header.bits.target?.workForTarget ?? .one)
        if chain.tree.forksTooDeep(parent: parent.hash, work: max(work, claimedWork ?? .zero),
                                   maxDepth: options.maxForkDepth) {
            return (.forkTooDeep(forkBelow: deadFloor), false)
        }
        if work <= chain.tree.bestHeader.chainWork, chain.tree.sideHeaders.count >= options.maxSideHeaders {
            return (.tooManySideHeaders, false)
        }
        let entry = BlockIndexEntry(hash: hash, header: header, chainWork: work, status: .headerValid, hasBody: false)
        chain.tree.insert(entry)
        if persist { writer.enqueue(.header(entry)) }
        return (nil, true)
    }

    /// Validates bodies waiting in memory along the best header chain, in
    /// height order, once they are worth it.
    func validateWaitingBodies() async {
        guard chain.tree.bestHeader.chainWork >= params.minimumChainWork else { return }
        for hash in chain.tree.blocksToFetch(window: options.waitingBodyCapacity) {
            guard isWorthValidating(hash), let held = takeBody(hash) else { return }
            switch await accept(held.block, hash: hash, origin: held.origin) {
            case .connected, .sideBranch: await processWaiting(after: hash)
            default: return
            }
        }
    }

    /// Forks below this height that carry no more work than the tip are refused.
    var deadFloor: UInt64 {
        chain.tree.height > options.maxForkDepth ? chain.tree.height - options.maxForkDepth : 0
    }
}

extension ChainActor {
    /// Callers waiting for another copy of `hash` being validated (for tests).
    func waitingForInFlight(_ hash: Hash256) -> Int { inFlight[hash]?.count ?? 0 }
}
