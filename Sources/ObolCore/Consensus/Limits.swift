/// Protocol-wide size limits that hold on every network (decoding bounds).
public enum Limits {
    public static let maxTransferData = 256
    public static let maxCoinbaseData = 64
    public static let maxBlockTransactions = 50_000
    public static let maxBlockSize = 8 * 1024 * 1024
}
