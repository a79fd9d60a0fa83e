import Benchmark
import ObolCore

// Block benchmarks use one block of 1,000 signed transfers (250 senders, 4
// each, 1,000 fresh recipients) plus its coinbase. scalingFactor .kilo with
// one block per iteration: throughput reads as transfers/s, wallClock and
// mallocCountTotal as per transfer.

func registerBlockBenchmarks() {
    let perTransfer = Rate.configuration(Rate.transfers, scalingFactor: .kilo)

    // The full acceptance path after proof of work: sanity, signatures, connect;
    // compared in each iteration with the raw verify of the block's 1,000
    // signatures (pre-parsed), the floor that no validation can go below.
    Benchmark("Block.validate1000",
              configuration: Rate.configuration(Rate.transfers, scalingFactor: .kilo, comparedWithC: true,
                                                maxDuration: .seconds(3))) {
        benchmark, fixture in
        let params = Fixtures.params
        let signed = fixture.signed
        var state = signed.state
        makeUnique(&state)  // the copy-on-write copy of the state is made outside the measurement
        var verified = 0
        do {
            try Rate.compare(benchmark, Rate.transfers, items: signed.transferCount) {
                for i in 0..<fixture.parsed.count where fixture.parsed.verify(i) { verified += 1 }
            } _: { () throws(ValidationError) in
                try BlockValidator.checkSanity(signed.block, params: params)
                try BlockValidator.verifySignatures(signed.block)
                blackHole(try state.connect(signed.block, params: params))
            }
        } catch {
            benchmark.error("validation failed: \(error)")
        }
        if verified != fixture.parsed.count { benchmark.error("only \(verified) reference signatures verified") }
    } setup: {
        ValidationFixture(Fixtures.block1000)
    }

    // The three stages alone, to show where time and allocations go.
    Benchmark("Block.checkSanity1000", configuration: perTransfer) { benchmark, fixture in
        do {
            try Rate.measure(benchmark, Rate.transfers, items: fixture.transferCount) { () throws(ValidationError) in
                try BlockValidator.checkSanity(fixture.block, params: Fixtures.params)
            }
        } catch {
            benchmark.error("checkSanity failed: \(error)")
        }
    } setup: {
        Fixtures.block1000
    }

    Benchmark("Block.verifySignatures1000", configuration: perTransfer) { benchmark, fixture in
        do {
            try Rate.measure(benchmark, Rate.transfers, items: fixture.transferCount) { () throws(ValidationError) in
                try BlockValidator.verifySignatures(fixture.block)
            }
        } catch {
            benchmark.error("verifySignatures failed: \(error)")
        }
    } setup: {
        Fixtures.block1000
    }

    Benchmark("Block.connect1000", configuration: perTransfer) { benchmark, fixture in
        var state = fixture.state
        makeUnique(&state)
        benchmark.startMeasurement()
        do {
            try Rate.measure(benchmark, Rate.transfers, items: fixture.transferCount) { () throws(ValidationError) in
                blackHole(try state.connect(fixture.block, params: Fixtures.params))
            }
        } catch {
            benchmark.error("connect failed: \(error)")
        }
        benchmark.stopMeasurement()
    } setup: {
        Fixtures.block1000
    }
}

func registerEncodingBenchmarks() {
    let perTransfer = Rate.configuration(Rate.transfers, scalingFactor: .kilo)

    Benchmark("Encoding.encodeBlock1000", configuration: perTransfer) { benchmark, fixture in
        Rate.measure(benchmark, Rate.transfers, items: fixture.transferCount) {
            blackHole(fixture.block.encoded)
        }
    } setup: {
        Fixtures.block1000
    }

    // Decoding includes what Transfer.init computes: its id (SHA256d of the
    // unsigned encoding) and the sender's address (SHA256d of the key).
    Benchmark("Encoding.decodeBlock1000", configuration: perTransfer) { benchmark, fixture in
        do {
            try Rate.measure(benchmark, Rate.transfers, items: fixture.transferCount) { () throws(DecodeError) in
                blackHole(try Block(decoding: fixture.encoded))
            }
        } catch {
            benchmark.error("decode failed: \(error)")
        }
    } setup: {
        Fixtures.block1000
    }
}

/// The block and its signatures pre-parsed for the C reference.
final class ValidationFixture {
    let signed: SignedBlock
    let parsed: ParsedSignatures

    init(_ signed: SignedBlock) {
        self.signed = signed
        parsed = ParsedSignatures(signed.transfers)
    }
}

/// Forces the state's storage to be this copy's own by rewriting one account
/// with its current value (AccountState has no other public mutator that
/// leaves it unchanged).
@inline(never)
func makeUnique(_ state: inout AccountState) {
    guard let (address, account) = state.accounts.first else { return }
    state.restore(address, account)
}
