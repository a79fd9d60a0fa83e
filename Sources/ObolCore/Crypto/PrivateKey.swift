import CSecp256k1

public enum KeyError: Error, Sendable, Equatable {
    case invalidPrivateKey
    case invalidPublicKey
}

/// A secp256k1 private key (32 bytes, in range 1..<n).
public struct PrivateKey: Sendable, Hashable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(KeyError) {
        guard bytes.count == 32,
              secp256k1_ec_seckey_verify(Secp256k1Context.shared.pointer, bytes) == 1
        else { throw .invalidPrivateKey }
        self.bytes = bytes
    }

    public init(hex: String) throws(KeyError) {
        guard let raw = Hex.decode(hex) else { throw .invalidPrivateKey }
        try self.init(bytes: raw)
    }

    /// A fresh random key.
    public static func generate() -> PrivateKey {
        var rng = SystemRandomNumberGenerator()
        while true {
            let raw = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
            if let key = try? PrivateKey(bytes: raw) { return key }
        }
    }

    public var hex: String { Hex.encode(bytes) }

    public var publicKey: PublicKey {
        let ctx = Secp256k1Context.shared.pointer
        var pub = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_create(ctx, &pub, bytes) == 1 else {
            preconditionFailure("a verified private key always has a public key")
        }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: PublicKey.size) { out in
            var len = PublicKey.size
            _ = secp256k1_ec_pubkey_serialize(ctx, out.baseAddress!, &len, &pub,
                                              UInt32(SECP256K1_EC_COMPRESSED))
            return PublicKey(uncheckedRaw: UnsafeRawBufferPointer(out))
        }
    }

    /// An ECDSA signature over a 32-byte digest, with the RFC 6979
    /// deterministic nonce; libsecp256k1 always returns the low-S form.
    public func sign(digest: Hash256) -> Signature {
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_signature()
        let ok = digest.withUnsafeBytes { d in
            secp256k1_ecdsa_sign(ctx, &sig, d.baseAddress!.assumingMemoryBound(to: UInt8.self), bytes, nil, nil)
        }
        precondition(ok == 1, "signing with a verified key cannot fail")
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Signature.size) { out in
            _ = secp256k1_ecdsa_signature_serialize_compact(ctx, out.baseAddress!, &sig)
            return Signature(unsafeBytes: UnsafeRawBufferPointer(out))
        }
    }
}
