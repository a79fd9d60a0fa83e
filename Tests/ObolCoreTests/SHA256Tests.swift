import CSHA256
import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct SHA256Tests {
    /// The digest in its natural byte order, as hex.
    func hex(_ hash: Hash256) -> String { Hex.encode(hash.bytes) }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func matchesNISTVector(message: String, digest: String) {
        #expect(hex(SHA256.hash(Array(message.utf8))) == digest)
    }

    @Test func matchesOneMillionAVector() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(hex(SHA256.hash(message)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Lengths around the 55/56/64-byte padding boundaries.
    @Test(arguments: [
        (55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"),
        (56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"),
        (63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"),
        (64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"),
        (65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"),
        (119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"),
        (120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"),
    ])
    func handlesPaddingBoundaries(length: Int, digest: String) {
        #expect(hex(SHA256.hash([UInt8](repeating: UInt8(ascii: "x"), count: length))) == digest)
    }

    @Test(arguments: [
        ("", "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"),
        ("abc", "4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358"),
    ])
    func doubleHashMatchesVector(message: String, digest: String) {
        #expect(hex(SHA256d.hash(Array(message.utf8))) == digest)
        #expect(SHA256d.hash(Array(message.utf8)) == SHA256.hash(SHA256.hash(Array(message.utf8)).bytes))
    }

    @Test func hashTextIsReversedDigest() throws {
        let hash = SHA256.hash(Array("abc".utf8))
        #expect(hash.description == Hex.encode(hash.bytes.reversed()))
        #expect(try #require(Hash256(hex: hash.description)) == hash)
        #expect(Hash256(hex: "00") == nil)
        #expect(Hash256(bytes: [UInt8](repeating: 0, count: 31)) == nil)
    }

    /// The header fast path (midstate plus nonce) and every scan kernel on
    /// this CPU agree with hashing the encoded header.
    @Test func headerJobAndScanKernelsAgreeWithBlockHeaderHash() throws {
        var header = BlockHeader(height: 7, previousHash: SHA256.hash([1]), merkleRoot: SHA256.hash([2]),
                                 timestamp: 1_700_000_123, bits: CompactTarget(bits: 0x2000_ffff), nonce: 0)
        let target = try #require(header.bits.target)
        var job = obol_header_job()
        header.encoded.withUnsafeBufferPointer { h in
            target.littleEndianBytes.withUnsafeBufferPointer { t in
                obol_header_job_init(&job, h.baseAddress!, t.baseAddress!)
            }
        }
        for nonce: UInt64 in [0, 1, 0xFFFF_FFFF, 0x1_0000_0000, .max] {
            header.nonce = nonce
            var out = [UInt8](repeating: 0, count: 32)
            obol_header_job_hash(&job, nonce, &out)
            #expect(out == header.hash.bytes)
        }

        var expectedNonce: UInt64 = 1_000
        while true {
            header.nonce = expectedNonce
            if header.meetsOwnTarget { break }
            expectedNonce += 1
        }
        let kernels = [OBOL_KERNEL_AUTO, OBOL_KERNEL_SCALAR, OBOL_KERNEL_SHANI, OBOL_KERNEL_AVX2, OBOL_KERNEL_AVX512]
        for kernel in kernels where obol_kernel_available(kernel) == 1 {
            var found: UInt64 = 0
            #expect(obol_scan(&job, kernel, 1_000, 100_000, &found) == 1)
            #expect(found == expectedNonce, "kernel \(String(cString: obol_kernel_name(kernel)))")
        }
    }
}
