import ObolCore

extension Miner {
    /// One job: read the context and the mempool template, then run proof of
    /// work round after round (a round ends when every worker has exhausted
    /// its slice; the next one bumps the extra nonce) until a block is found
    /// or the job is stopped. A job for `expectedBase` whose context is
    /// another tip (the chain moved on meanwhile) ends at once: the newer tip
    /// is on its way to the run loop.
    func runJob(id: Int, includeTransfers: Bool, expectedBase: Hash256? = nil, control: JobControl,
                based: @Sendable (Hash256) -> Void) async -> MiningJobEnd {
        let context = await context()
        guard !control.isStopRequested else { return .stopped }
        if let expectedBase, context.previousHash != expectedBase { return .stopped }
        // A clock far behind the chain (set before its genesis, say) gives only blocks from the future, which
        // the chain refuses: wait for the clock instead of finding the same refused block again and again.
        while let lag = clockLag(context) {
            warnClockBehind(context, by: lag)
            publish(.clockBehind(seconds: lag))
            try? await clock.sleep(untilElapsed: clock.elapsed() + .seconds(1))
            guard !control.isStopRequested, !Task.isCancelled else { return .stopped }
        }
        based(context.previousHash)
        var candidates = [Transfer]()
        if includeTransfers {
            let dataSize = min(config.coinbaseTag.count, Limits.maxCoinbaseData - 8) + 8
            candidates = await transfers(BlockTemplate.transferCount(params: params),
                                         BlockTemplate.transferBytes(params: params, coinbaseDataSize: dataSize))
            guard !control.isStopRequested else { return .stopped }
        }

        var extraNonce: UInt64 = 0
        while true {
            let template = BlockTemplate(context: context, transfers: candidates, recipient: config.address,
                                         params: params, now: clock.now(), extraNonce: extraNonce,
                                         tag: config.coinbaseTag)
            let info = MiningJobInfo(id: id, template: template)
            guard let scanner = HashScanner(header: template.header) else {
                logger.error("cannot mine: bits \(context.bits) do not decode to a target", metadata: ["height": "\(context.height)"])
                publish(.invalidTarget(info))
                return .stopped
            }
            guard !control.isStopRequested else { return .stopped }
            jobStarted(id: id, height: info.height)
            publish(.jobStarted(info))

            switch await proofOfWork(scanner, info: info, control: control) {
            case let .found(nonce):
                let block = template.block(nonce: nonce)
                guard block.header.meetsOwnTarget else {
                    // Only a broken SHA-256 kernel gets here; move on rather than submit junk.
                    logger.error("kernel reported nonce \(nonce) that misses the target; skipping the template")
                    extraNonce &+= 1
                    continue
                }
                let result = await submit(block)
                blockFound(result)
                publish(.blockFound(block, result))
                return .submitted(blockHash: block.hash, result: result)
            case .exhausted where !control.isStopRequested:
                extraNonce &+= 1
            case .exhausted, .stopped:
                publish(.jobCancelled(info, noncesScanned: control.noncesScanned,
                                      noncesAfterCancel: control.noncesScannedAfterStop))
                return .stopped
            }
        }
    }

    /// How far the clock is behind the earliest timestamp a block on `context` may carry, when it is too far
    /// for any such block to be valid (more than `maxFutureDrift`); nil when mining can go ahead.
    func clockLag(_ context: MiningContext) -> UInt64? {
        let latestValid = clock.now() &+ params.maxFutureDrift
        return context.minimumTimestamp > latestValid ? context.minimumTimestamp - latestValid : nil
    }

    /// One round: every worker scans its slice of the nonce space on its own
    /// thread; the first winner stops the others. Cancelling the calling
    /// task stops them too.
    func proofOfWork(_ scanner: HashScanner, info: MiningJobInfo, control: JobControl) async -> WorkerOutcome {
        let workers = config.threads
        let space = hooks.nonceSpace
        let observer = hooks.onScanChunk
        let lowPriority = config.lowPriorityThreads
        control.beginRound()
        return await withTaskCancellationHandler {
            await withTaskGroup(of: WorkerOutcome.self) { group in
                var assigned = 0
                for worker in 0..<workers {
                    guard let slice = NoncePartition.slice(worker, of: workers, in: space) else { continue }
                    assigned += 1
                    let assignment = MiningWorker.Assignment(scanner: scanner, slice: slice, worker: worker,
                                                             jobID: info.id, extraNonce: info.extraNonce,
                                                             lowPriority: lowPriority)
                    group.addTask {
                        await MiningWorker.run(assignment, control: control,
                                               progress: { self.recordHashes($0) }, observer: observer)
                    }
                }
                var found: UInt64?
                var exhausted = 0
                for await outcome in group {
                    switch outcome {
                    case let .found(nonce) where found == nil:
                        found = nonce
                        control.endRound()
                    case .found, .stopped:
                        break
                    case .exhausted:
                        exhausted += 1
                    }
                }
                if let found { return .found(found) }
                return exhausted == assigned ? .exhausted : .stopped
            }
        } onCancel: {
            control.requestStop()
        }
    }
}
