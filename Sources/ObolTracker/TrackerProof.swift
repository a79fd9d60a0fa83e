import Crypto
import ObolAPIModels
import ObolCore
import ObolWire

/// What a tracker request asks for.
public enum TrackerAction: String, Sendable, CaseIterable {
    case register, heartbeat, leave
}

/// The proof on a tracker request: the node shows that it holds the static key named by its node id.
///
/// The node id is an X25519 key (the Noise static key), which cannot sign. So the proof is a MAC under a key
/// that only the holder of that private key and the tracker can compute, as Noise's own handshakes
/// authenticate a static key:
///
///     shared = X25519(node's static private key, tracker's public key)
///            = X25519(tracker's private key, node id)
///     key    = HKDF-SHA256(shared, salt: "obol-tracker-v1", info: node id ‖ tracker's public key), 32 bytes
///     proof  = HMAC-SHA256(key, "obol-tracker-v1" 0x00 action 0x00 nodeId 0x00 address 0x00 network 0x00 timestamp)
///
/// with the text fields as sent (lowercase hex node id, `HOST:PORT`, decimal numbers). A third party can
/// neither make a proof for another node's id nor replay one: the timestamp must be later than the node's last.
public enum TrackerProof {
    static let label = "obol-tracker-v1"

    /// The request for `action`, proven with `nodeKey` for the tracker whose public key is `trackerKey`.
    public static func request(_ action: TrackerAction, address: PeerEndpoint, network: UInt32, timestamp: UInt64,
                               nodeKey: NoiseKeyPair, trackerKey: [UInt8]) throws(NoiseError) -> TrackerRequest {
        var request = TrackerRequest(nodeId: Hex.encode(nodeKey.publicKey), address: address.description,
                                     network: network, timestamp: timestamp, proof: "")
        let key = macKey(shared: try nodeKey.agreement(with: trackerKey), nodeID: nodeKey.publicKey, trackerKey: trackerKey)
        request.proof = Hex.encode(HMAC<Crypto.SHA256>.authenticationCode(for: message(action, request), using: key))
        return request
    }

    /// Whether `request` carries a valid proof for `action` from the node it names, for the tracker `trackerKey`.
    public static func isValid(_ request: TrackerRequest, for action: TrackerAction, trackerKey: NoiseKeyPair) -> Bool {
        guard let nodeID = Hex.decode(request.nodeId), nodeID.count == NoiseKeyPair.keyLength,
              let proof = Hex.decode(request.proof), proof.count == Crypto.SHA256.byteCount,
              let shared = try? trackerKey.agreement(with: nodeID)
        else { return false }
        let key = macKey(shared: shared, nodeID: nodeID, trackerKey: trackerKey.publicKey)
        // Constant time: HMAC's own comparison.
        return HMAC<Crypto.SHA256>.isValidAuthenticationCode(proof, authenticating: message(action, request), using: key)
    }

    static func macKey(shared: [UInt8], nodeID: [UInt8], trackerKey: [UInt8]) -> SymmetricKey {
        HKDF<Crypto.SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: shared), salt: Array(label.utf8),
                               info: nodeID + trackerKey, outputByteCount: 32)
    }

    static func message(_ action: TrackerAction, _ request: TrackerRequest) -> [UInt8] {
        let fields = [label, action.rawValue, request.nodeId, request.address, String(request.network),
                      String(request.timestamp)]
        return Array(fields.joined(separator: "\u{0}").utf8)
    }
}
