import CSecp256k1

/// A 33-byte compressed secp256k1 public key.
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    init(uncheckedBytes: [UInt8]) { bytes = uncheckedBytes }

    /// Accepts only a 33-byte compressed encoding of a point on the curve.
    public init(bytes: [UInt8]) throws(KeyError) {
        guard bytes.count == 33, bytes[0] == 2 || bytes[0] == 3 else { throw .invalidPublicKey }
        var pub = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &pub, bytes, 33) == 1 else {
            throw .invalidPublicKey
        }
        self.bytes = bytes
    }

    public var description: String { Hex.encode(bytes) }

    public var address: Address { Address(publicKey: self) }

    /// True when `signature` is a valid low-S ECDSA signature of `digest` by
    /// this key. libsecp256k1's verify rejects high-S signatures itself.
    public func isValidSignature(_ signature: Signature, for digest: Hash256) -> Bool {
        let ctx = Secp256k1Context.shared.pointer
        var pub = secp256k1_pubkey()
        guard bytes.count == 33, secp256k1_ec_pubkey_parse(ctx, &pub, bytes, 33) == 1 else { return false }
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(ctx, &sig, signature.bytes) == 1 else { return false }
        return digest.withUnsafeBytes { d in
            secp256k1_ecdsa_verify(ctx, &sig, d.baseAddress!.assumingMemoryBound(to: UInt8.self), &pub) == 1
        }
    }
}

/// A 64-byte compact ECDSA signature (r || s, big-endian).
public struct Signature: Sendable, Hashable {
    public let bytes: [UInt8]

    init(uncheckedBytes: [UInt8]) { bytes = uncheckedBytes }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 64 else { return nil }
        self.bytes = bytes
    }

    public static let empty = Signature(uncheckedBytes: [UInt8](repeating: 0, count: 64))

    /// True when s is in the upper half of the group order (malleated form).
    public var isHighS: Bool {
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_signature()
        guard secp256k1_ecdsa_signature_parse_compact(ctx, &sig, bytes) == 1 else { return false }
        var normalized = secp256k1_ecdsa_signature()
        return secp256k1_ecdsa_signature_normalize(ctx, &normalized, &sig) == 1
    }
}
