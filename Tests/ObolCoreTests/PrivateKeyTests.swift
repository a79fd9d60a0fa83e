import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct PrivateKeyTests {
    /// The secp256k1 group order.
    static let order = UInt256(hex: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141")!

    static func bigEndian(_ value: UInt256) -> [UInt8] { value.littleEndianBytes.reversed() }
    static func number(_ bigEndian: some Collection<UInt8>) -> UInt256 {
        UInt256(littleEndianBytes: bigEndian.reversed())
    }

    let keyOne = try! PrivateKey(bytes: bigEndian(.one))
    let satoshiDigest = SHA256.hash(Array("Satoshi Nakamoto".utf8))

    @Test func keyOneGivesTheGeneratorPoint() {
        #expect(keyOne.publicKey.description.uppercased()
            == "0279BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798")
    }

    @Test func signingIsDeterministic() {
        let key = ChainParams.devnetAllocationKey
        let digest = SHA256.hash(Array("same message".utf8))
        #expect(key.sign(digest: digest) == key.sign(digest: digest))
        #expect(key.sign(digest: digest) != key.sign(digest: SHA256.hash(Array("other".utf8))))
    }

    @Test func signatureMatchesRFC6979Vector() {
        let signature = keyOne.sign(digest: satoshiDigest)
        #expect(Hex.encode(signature.bytes.prefix(32)) == "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8")
        #expect(Hex.encode(signature.bytes.suffix(32)) == "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5")
        #expect(keyOne.publicKey.isValidSignature(signature, for: satoshiDigest))
        #expect(!signature.isHighS)
    }

    @Test func verificationRejectsHighSSignature() throws {
        let signature = keyOne.sign(digest: satoshiDigest)
        let s = Self.number(signature.bytes.suffix(32))
        let negated = Self.order.subtractingReportingOverflow(s).partialValue
        let highS = try #require(Signature(bytes: Array(signature.bytes.prefix(32)) + Self.bigEndian(negated)))
        #expect(highS.isHighS)
        #expect(!keyOne.publicKey.isValidSignature(highS, for: satoshiDigest))
    }

    @Test func verificationRejectsWrongDigestOrKey() {
        let signature = keyOne.sign(digest: satoshiDigest)
        #expect(!keyOne.publicKey.isValidSignature(signature, for: SHA256.hash(Array("Satoshi Nakamoto!".utf8))))
        #expect(!ChainParams.devnetAllocationKey.publicKey.isValidSignature(signature, for: satoshiDigest))
        #expect(!keyOne.publicKey.isValidSignature(.empty, for: satoshiDigest))
        var flipped = signature.bytes
        flipped[10] ^= 1
        #expect(!keyOne.publicKey.isValidSignature(Signature(bytes: flipped)!, for: satoshiDigest))
    }

    @Test(arguments: [
        "",
        "00",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141",  // n
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
        "000000000000000000000000000000000000000000000000000000000000000001",  // 33 bytes
        "zz",
    ])
    func rejectsInvalidPrivateKey(hex: String) {
        #expect(throws: KeyError.invalidPrivateKey) { try PrivateKey(hex: hex) }
    }

    @Test func acceptsLargestPrivateKey() throws {
        let key = try PrivateKey(hex: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140")  // n - 1
        // n - 1 is -1: its public key is the generator negated (odd y).
        #expect(key.publicKey.description.uppercased()
            == "0379BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798")
    }

    @Test func publicKeyParsingRejectsNonCompressedOrOffCurve() throws {
        let good = keyOne.publicKey.bytes
        #expect(try PublicKey(bytes: good) == keyOne.publicKey)
        var uncompressedPrefix = good
        uncompressedPrefix[0] = 0x04
        #expect(throws: KeyError.invalidPublicKey) { try PublicKey(bytes: uncompressedPrefix) }
        #expect(throws: KeyError.invalidPublicKey) { try PublicKey(bytes: Array(good.dropLast())) }
        // x = p is not a field element.
        let xIsP = [0x02] + Hex.decode("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F")!
        #expect(throws: KeyError.invalidPublicKey) { try PublicKey(bytes: xIsP) }
    }

    @Test func generatedKeysAreDistinctAndSignVerifiably() {
        let a = PrivateKey.generate(), b = PrivateKey.generate()
        #expect(a != b)
        let digest = SHA256.hash(Array("x".utf8))
        #expect(a.publicKey.isValidSignature(a.sign(digest: digest), for: digest))
        #expect(!b.publicKey.isValidSignature(a.sign(digest: digest), for: digest))
    }
}
