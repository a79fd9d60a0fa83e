/// The wire protocol's version, carried in `version` messages and in the Noise prologue.
public enum WireProtocol {
    public static let version: UInt32 = 1
}
