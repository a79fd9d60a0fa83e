import Benchmark
import CSecp256k1  // visible through ObolCore's dependency; the main package has no CSecp256k1 product
import ObolCore

/// The block fixture's 1,000 (key, signature, digest) triples, parsed once
/// into libsecp256k1's own structs, so the loop is secp256k1_ecdsa_verify alone.
final class ParsedSignatures: @unchecked Sendable { // safe: read-only after init (`cursor` is used by one thread); libsecp256k1 verifies with one context from many threads

    let context: OpaquePointer
    let keys: UnsafeMutableBufferPointer<secp256k1_pubkey>
    let signatures: UnsafeMutableBufferPointer<secp256k1_ecdsa_signature>
    let digests: UnsafeMutableBufferPointer<UInt8>  // 32 bytes each
    /// The same keys and signatures as sent: 33 and 64 bytes each.
    let serializedKeys: UnsafeMutableBufferPointer<UInt8>
    let serializedSignatures: UnsafeMutableBufferPointer<UInt8>
    let cursor: Cursor<Int>
    /// The transfers the triples came from.
    let transfers: [Transfer]

    init(_ transfers: [Transfer]) {
        cursor = Cursor(Array(transfers.indices))
        self.transfers = transfers
        // Created like ObolCore's shared context, minus the randomization (which only signing uses).
        context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE))!
        keys = .allocate(capacity: transfers.count)
        signatures = .allocate(capacity: transfers.count)
        digests = .allocate(capacity: 32 * transfers.count)
        serializedKeys = .allocate(capacity: 33 * transfers.count)
        serializedSignatures = .allocate(capacity: 64 * transfers.count)
        for (i, transfer) in transfers.enumerated() {
            for (j, byte) in transfer.sender.bytes.enumerated() { serializedKeys[33 * i + j] = byte }
            for (j, byte) in transfer.signature.bytes.enumerated() { serializedSignatures[64 * i + j] = byte }
            precondition(secp256k1_ec_pubkey_parse(context, keys.baseAddress! + i, transfer.sender.bytes, 33) == 1)
            precondition(secp256k1_ecdsa_signature_parse_compact(context, signatures.baseAddress! + i,
                                                                 transfer.signature.bytes) == 1)
            let digest = transfer.signatureDigest.bytes
            for j in 0..<32 { digests[32 * i + j] = digest[j] }
        }
    }

    var count: Int { keys.count }

    /// secp256k1_ecdsa_verify of triple `i`.
    @inline(__always)
    func verify(_ i: Int) -> Bool {
        secp256k1_ecdsa_verify(context, signatures.baseAddress! + i, digests.baseAddress! + 32 * i,
                               keys.baseAddress! + i) == 1
    }

    /// The C floor for a transfer whose key was never seen: parse the 33-byte
    /// key (decompression: a field square root) and the 64-byte signature,
    /// then secp256k1_ecdsa_verify.
    @inline(__always)
    func parseAndVerify(_ i: Int) -> Bool {
        var key = secp256k1_pubkey()
        var signature = secp256k1_ecdsa_signature()
        guard secp256k1_ec_pubkey_parse(context, &key, serializedKeys.baseAddress! + 33 * i, 33) == 1,
              secp256k1_ecdsa_signature_parse_compact(context, &signature, serializedSignatures.baseAddress! + 64 * i) == 1
        else { return false }
        return secp256k1_ecdsa_verify(context, &signature, digests.baseAddress! + 32 * i, &key) == 1
    }

    deinit {
        serializedKeys.deallocate()
        serializedSignatures.deallocate()
        keys.deallocate()
        signatures.deallocate()
        digests.deallocate()
        secp256k1_context_destroy(context)
    }
}

/// Cycles through the fixture's items, one per benchmark iteration.
final class Cursor<Item> {
    let items: [Item]
    private var next = 0

    init(_ items: [Item]) {
        precondition(!items.isEmpty, "empty fixture")
        self.items = items
    }

    func advance() -> Int {
        let i = next
        next = i + 1 == items.count ? 0 : i + 1
        return i
    }
}

func registerSignatureBenchmarks() {
    // One verification per iteration (.one): throughput reads as verifications/s.
    // Iterations cycle through the 1,000 different keys and signatures of the block fixture.
    Benchmark("Signature.verifyRaw", configuration: Rate.configuration(Rate.signatures, scalingFactor: .one)) { benchmark, parsed in
        let i = parsed.cursor.advance()
        var ok = false
        Rate.measure(benchmark, Rate.signatures, items: 1) { ok = parsed.verify(i) }
        if !ok { benchmark.error("signature \(i) did not verify") }
    } setup: {
        ParsedSignatures(Fixtures.block1000.transfers)
    }

    // What ObolCore repeats on every verification and the raw loop does not:
    // decompressing the 33-byte key (a field square root).
    Benchmark("Signature.parsePublicKey", configuration: Rate.configuration(Rate.keys, scalingFactor: .one)) {
        benchmark, parsed in
        let i = parsed.cursor.advance()
        var ok: Int32 = 0
        var key = secp256k1_pubkey()
        Rate.measure(benchmark, Rate.keys, items: 1) {
            ok = secp256k1_ec_pubkey_parse(parsed.context, &key, parsed.transfers[i].sender.bytes, 33)
        }
        if ok != 1 { benchmark.error("key \(i) did not parse") }
        blackHole(key)
    } setup: {
        ParsedSignatures(Fixtures.block1000.transfers)
    }

    // ObolCore's path: parse key + parse signature + domain-separated digest +
    // verify, compared in each iteration with the raw verify of another
    // signature of the fixture. (Verifying the same signature twice in a row
    // would flatter the second run: libsecp256k1's verify branches on the
    // data, and the branch predictor would have just seen the same pattern.)
    Benchmark("Signature.verifyTransfer",
              configuration: Rate.configuration(Rate.signatures, scalingFactor: .one, comparedWithC: true)) {
        benchmark, parsed in
        let i = parsed.cursor.advance()
        let transfer = parsed.transfers[i]
        var ok = (false, false)
        Rate.compare(benchmark, Rate.signatures, items: 1) {
            ok.0 = parsed.verify((i + parsed.count / 2) % parsed.count)
        } _: {
            ok.1 = transfer.hasValidSignature
        }
        if !(ok.0 && ok.1) { benchmark.error("transfer \(i) did not verify") }
    } setup: {
        ParsedSignatures(Fixtures.block1000.transfers)
    }
}
