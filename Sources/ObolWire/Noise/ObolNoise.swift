import ObolCore

/// Obol's choice of Noise parameters: the XX handshake with the prologue below.
public enum ObolNoise {
    /// The prologue's fixed first 13 bytes.
    public static let prologueLabel = Array("obol/noise/v1".utf8)

    /// "obol/noise/v1" ‖ magic (u32 LE) ‖ protocol version (u32 LE): 21 bytes.
    /// Nodes of different networks or protocol versions fail the handshake at message 2.
    public static func prologue(magic: UInt32, version: UInt32 = WireProtocol.version) -> [UInt8] {
        var bytes = prologueLabel
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: magic >> UInt32(shift))) }
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: version >> UInt32(shift))) }
        return bytes
    }

    /// The prologue for `params`' network at the current protocol version.
    public static func prologue(for params: ChainParams) -> [UInt8] {
        prologue(magic: params.magic)
    }

    /// A handshake for this node's side of a connection.
    public static func handshake(role: HandshakeState.Role, params: ChainParams, staticKeyPair: NoiseKeyPair,
                                 ephemeralKeys: NoiseKeySource = .random) -> HandshakeState {
        HandshakeState(role: role, prologue: prologue(for: params), staticKeyPair: staticKeyPair,
                       ephemeralKeys: ephemeralKeys)
    }
}
