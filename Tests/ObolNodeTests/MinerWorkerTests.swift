import ObolCore
@testable import ObolNode
import Synchronization
import Testing

/// The hash loop itself, called synchronously (no threads).
@Suite(.timeLimit(.minutes(1))) struct MinerWorkerTests {
    static func assignment(bits: UInt32, slice: ClosedRange<UInt64>) throws -> MiningWorker.Assignment {
        let header = MinerHashScannerTests.header(height: 1, bits: bits)
        return MiningWorker.Assignment(scanner: try #require(HashScanner(header: header)), slice: slice, worker: 0,
                                       jobID: 1, extraNonce: 0, lowPriority: false)
    }

    @Test func findsTheFirstWinnerOfItsSlice() throws {
        let assignment = try Self.assignment(bits: 0x2000_ffff, slice: 1_000...1_000_000)
        let control = JobControl()
        let progress = Mutex<UInt64>(0)
        let outcome = MiningWorker.scan(assignment, control: control,
                                        progress: { n in progress.withLock { $0 += n } }, observer: nil)
        guard case let .found(nonce) = outcome else { Issue.record("no winner in \(assignment.slice)"); return }
        let expected = MinerHashScannerTests.firstWinningNonce(assignment.scanner.header, from: 1_000, count: 5_000)
        #expect(nonce == expected)
        #expect(control.noncesScanned == nonce - 1_000 + 1)
        #expect(progress.withLock { $0 } == control.noncesScanned)
    }

    @Test func exhaustsASliceWithoutAWinnerInChunks() throws {
        let slice: ClosedRange<UInt64> = 5...(5 + 2 * MiningWorker.chunkSize + 99)
        let assignment = try Self.assignment(bits: 0x0300_0001, slice: slice)
        let control = JobControl()
        let chunks = Mutex<[ScanChunk]>([])
        let outcome = MiningWorker.scan(assignment, control: control, progress: { _ in },
                                        observer: { chunk in chunks.withLock { $0.append(chunk) } })
        #expect(outcome == .exhausted)
        #expect(control.noncesScanned == UInt64(slice.count))
        #expect(chunks.withLock { $0.map(\.count) } == [MiningWorker.chunkSize, MiningWorker.chunkSize, 100])
        #expect(chunks.withLock { $0.map(\.start) } == [5, 5 + MiningWorker.chunkSize, 5 + 2 * MiningWorker.chunkSize])
    }

    @Test func stopsBeforeScanningTheChunkWhoseHookSawTheStop() throws {
        let assignment = try Self.assignment(bits: 0x0300_0001, slice: NoncePartition.fullSpace)
        let control = JobControl()
        let chunksSeen = Mutex(0)
        let outcome = MiningWorker.scan(assignment, control: control, progress: { _ in }, observer: { _ in
            // Ask for the stop while the third chunk is about to run.
            if chunksSeen.withLock({ $0 += 1; return $0 }) == 3 { control.requestStop() }
        })
        // The worker looks at the flag again after the hook: the third chunk is not scanned.
        #expect(outcome == .stopped)
        #expect(control.noncesScanned == 2 * MiningWorker.chunkSize)
        #expect(control.noncesScannedAfterStop == 0)
    }

    @Test func stoppedJobScansNothing() throws {
        let control = JobControl()
        control.requestStop()
        let outcome = MiningWorker.scan(try Self.assignment(bits: 0x207f_ffff, slice: 0...100), control: control,
                                        progress: { _ in }, observer: nil)
        #expect(outcome == .stopped)
        #expect(control.noncesScanned == 0)
        #expect(control.noncesScannedAfterStop == 0)
    }

    @Test func endedRoundStopsScanningUntilTheNextRoundBegins() throws {
        let assignment = try Self.assignment(bits: 0x207f_ffff, slice: 0...100)
        let control = JobControl()
        control.endRound()
        #expect(MiningWorker.scan(assignment, control: control, progress: { _ in }, observer: nil) == .stopped)
        #expect(!control.isStopRequested)
        control.beginRound()
        guard case .found = MiningWorker.scan(assignment, control: control, progress: { _ in }, observer: nil) else {
            Issue.record("expected a winner at test difficulty")
            return
        }
    }

    @Test func threadedWorkerReportsThroughItsContinuation() async throws {
        let assignment = try Self.assignment(bits: 0x207f_ffff, slice: 0...1_000)
        let outcome = await MiningWorker.run(assignment, control: JobControl(), progress: { _ in }, observer: nil)
        guard case let .found(nonce) = outcome else { Issue.record("expected a winner"); return }
        #expect(assignment.scanner.meetsTarget(nonce: nonce))
    }
}
