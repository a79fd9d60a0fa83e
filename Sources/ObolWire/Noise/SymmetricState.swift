import Crypto

/// Noise's SymmetricState (revision 34, §5.2) with SHA-256: the chaining key
/// `ck`, the handshake hash `h`, and the CipherState keyed by `MixKey`.
public struct SymmetricState: Sendable {
    public static let hashLength = 32

    /// The chaining key.
    private(set) var chainingKey: [UInt8]
    /// The handshake hash: after the handshake, a value both sides share that
    /// commits to the whole transcript (channel binding).
    public private(set) var handshakeHash: [UInt8]
    private(set) var cipher = CipherState()

    /// InitializeSymmetric(protocol_name): h = the name padded with zeros to
    /// 32 bytes, or SHA-256 of it when longer; ck = h; no key.
    public init(protocolName: String) {
        let name = Array(protocolName.utf8)
        if name.count <= Self.hashLength {
            handshakeHash = name + [UInt8](repeating: 0, count: Self.hashLength - name.count)
        } else {
            handshakeHash = Array(SHA256.hash(data: name))
        }
        chainingKey = handshakeHash
    }

    public var hasKey: Bool { cipher.hasKey }

    /// MixKey(ikm): ck, temp_k = HKDF(ck, ikm, 2); the cipher is keyed with temp_k (nonce 0).
    public mutating func mixKey(_ inputKeyMaterial: [UInt8]) {
        let (ck, tempKey) = Self.hkdf2(chainingKey: chainingKey, inputKeyMaterial: inputKeyMaterial)
        chainingKey = ck
        cipher = CipherState(key: tempKey)
    }

    /// MixHash(data): h = SHA-256(h ‖ data).
    public mutating func mixHash(_ data: some Sequence<UInt8>) {
        var hasher = SHA256()
        hasher.update(data: handshakeHash)
        hasher.update(data: Array(data))
        handshakeHash = Array(hasher.finalize())
    }

    /// EncryptAndHash(plaintext): ciphertext = EncryptWithAd(h, plaintext); MixHash(ciphertext).
    public mutating func encryptAndHash(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let ciphertext = try cipher.encrypt(plaintext, authenticating: handshakeHash)
        mixHash(ciphertext)
        return ciphertext
    }

    /// DecryptAndHash(ciphertext): plaintext = DecryptWithAd(h, ciphertext); MixHash(ciphertext).
    public mutating func decryptAndHash(_ ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let plaintext = try cipher.decrypt(ciphertext, authenticating: handshakeHash)
        mixHash(ciphertext)
        return plaintext
    }

    /// Split(): temp_k1, temp_k2 = HKDF(ck, zero-length, 2); two cipher states
    /// keyed with them: the initiator sends with the first, the responder with the second.
    public func split() -> (CipherState, CipherState) {
        let (k1, k2) = Self.hkdf2(chainingKey: chainingKey, inputKeyMaterial: [])
        return (CipherState(key: k1), CipherState(key: k2))
    }

    // MARK: - HKDF (Noise §4.3, HMAC-SHA256)

    /// HKDF(chaining_key, input_key_material, 2) as Noise defines it:
    /// temp_key = HMAC(ck, ikm); output1 = HMAC(temp_key, 0x01); output2 = HMAC(temp_key, output1 ‖ 0x02).
    static func hkdf2(chainingKey: [UInt8], inputKeyMaterial: [UInt8]) -> ([UInt8], [UInt8]) {
        let outputs = hkdf(chainingKey: chainingKey, inputKeyMaterial: inputKeyMaterial, count: 2)
        return (outputs[0], outputs[1])
    }

    /// HKDF with 2 or 3 outputs (3: output3 = HMAC(temp_key, output2 ‖ 0x03); used by PSK patterns).
    static func hkdf(chainingKey: [UInt8], inputKeyMaterial: [UInt8], count: Int) -> [[UInt8]] {
        precondition(count == 2 || count == 3, "Noise's HKDF returns 2 or 3 outputs")
        let tempKey = hmac(key: chainingKey, data: inputKeyMaterial)
        var outputs: [[UInt8]] = []
        var previous: [UInt8] = []
        for i in 1 ... count {
            previous = hmac(key: tempKey, data: previous + [UInt8(i)])
            outputs.append(previous)
        }
        return outputs
    }

    static func hmac(key: [UInt8], data: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: key)))
    }
}
