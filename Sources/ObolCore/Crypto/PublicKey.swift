import CSecp256k1

/// A 33-byte compressed secp256k1 public key.
///
/// Stored inline (the prefix byte and the 32-byte x coordinate), so a key
/// costs no allocation to decode, copy or compare; `bytes` builds an array on
/// demand.
public struct PublicKey: Sendable, Hashable, CustomStringConvertible {
    public static let size = 33

    private var head: UInt8
    /// Bytes 1..<33, in memory order.
    private var x: Hash256

    /// The 33 bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    init(uncheckedBytes: [UInt8]) {
        precondition(uncheckedBytes.count == Self.size)
        self = uncheckedBytes.withUnsafeBytes { PublicKey(uncheckedRaw: $0) }
    }

    /// Reads 33 bytes from `raw` (which must hold at least 33), unchecked.
    init(uncheckedRaw raw: UnsafeRawBufferPointer) {
        head = raw[0]
        x = Hash256(unsafeBytes: UnsafeRawBufferPointer(rebasing: raw[1..<Self.size]))
    }

    /// Accepts only a 33-byte compressed encoding of a point on the curve.
    public init(bytes: [UInt8]) throws(KeyError) {
        guard bytes.count == Self.size, bytes[0] == 2 || bytes[0] == 3 else { throw .invalidPublicKey }
        var pub = secp256k1_pubkey()
        guard secp256k1_ec_pubkey_parse(Secp256k1Context.shared.pointer, &pub, bytes, Self.size) == 1 else {
            throw .invalidPublicKey
        }
        self.init(uncheckedBytes: bytes)
    }

    /// Calls `body` with the 33 bytes, without allocating.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        // 40 bytes of stack: the prefix, the x coordinate, then padding.
        var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        return try Swift.withUnsafeMutableBytes(of: &buffer) { raw in
            raw[0] = head
            x.withUnsafeBytes { raw.baseAddress!.advanced(by: 1).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            return try body(UnsafeRawBufferPointer(rebasing: raw.prefix(Self.size)))
        }
    }

    public var description: String { withUnsafeBytes { Hex.encode($0) } }

    public var address: Address { Address(publicKey: self) }

    /// True when `signature` is a valid low-S ECDSA signature of `digest` by
    /// this key. libsecp256k1's verify rejects high-S signatures itself.
    ///
    /// Decompressing the key (a field square root, about 5 µs) is part of
    /// every call; nothing is allocated.
    public func isValidSignature(_ signature: Signature, for digest: Hash256) -> Bool {
        let ctx = Secp256k1Context.shared.pointer
        var pub = secp256k1_pubkey()
        let parsed = withUnsafeBytes { key in
            secp256k1_ec_pubkey_parse(ctx, &pub, key.baseAddress!.assumingMemoryBound(to: UInt8.self), Self.size)
        }
        guard parsed == 1 else { return false }
        var sig = secp256k1_ecdsa_signature()
        let sigParsed = signature.withUnsafeBytes { raw in
            secp256k1_ecdsa_signature_parse_compact(ctx, &sig, raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard sigParsed == 1 else { return false }
        return digest.withUnsafeBytes { d in
            secp256k1_ecdsa_verify(ctx, &sig, d.baseAddress!.assumingMemoryBound(to: UInt8.self), &pub) == 1
        }
    }
}

/// A 64-byte compact ECDSA signature (r || s, big-endian).
///
/// Stored inline (r and s as two 32-byte values in memory order), so a
/// signature costs no allocation to decode, copy, compare or hash; `bytes`
/// builds an array on demand.
public struct Signature: Sendable, Hashable {
    public static let size = 64

    private var r: Hash256
    private var s: Hash256

    /// The 64 bytes.
    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    init(uncheckedBytes: [UInt8]) {
        precondition(uncheckedBytes.count == Self.size)
        self = uncheckedBytes.withUnsafeBytes { Signature(unsafeBytes: $0) }
    }

    /// Reads 64 bytes from `raw` (which must hold at least 64).
    init(unsafeBytes raw: UnsafeRawBufferPointer) {
        r = Hash256(unsafeBytes: raw)
        s = Hash256(unsafeBytes: UnsafeRawBufferPointer(rebasing: raw[32..<Self.size]))
    }

    public init?(bytes: [UInt8]) {
        guard bytes.count == Self.size else { return nil }
        self.init(uncheckedBytes: bytes)
    }

    public static let empty = Signature(r: .zero, s: .zero)

    private init(r: Hash256, s: Hash256) {
        self.r = r
        self.s = s
    }

    /// Calls `body` with the 64 bytes, without allocating.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        var halves = (r, s)
        return try Swift.withUnsafeBytes(of: &halves) { try body($0) }
    }

    /// True when s is in the upper half of the group order (malleated form).
    public var isHighS: Bool {
        let ctx = Secp256k1Context.shared.pointer
        var sig = secp256k1_ecdsa_signature()
        let parsed = withUnsafeBytes { raw in
            secp256k1_ecdsa_signature_parse_compact(ctx, &sig, raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard parsed == 1 else { return false }
        var normalized = secp256k1_ecdsa_signature()
        return secp256k1_ecdsa_signature_normalize(ctx, &normalized, &sig) == 1
    }
}
