import Foundation
import ObolCore

/// The pending transfers a node writes to `mempool.dat` in its data directory when it shuts down, and offers
/// to its mempool again when it starts (as Bitcoin Core does), so a graceful restart loses no accepted
/// transfer. The loaded transfers are checked again like any others: those the chain confirmed meanwhile,
/// or that no longer fit, are dropped.
///
/// Format: the magic `OBMP`, a version byte (1), the number of transfers (UInt32, little-endian), then each
/// transfer in its canonical encoding (PROTOCOL.md), back to back, in nonce order.
public enum MempoolFile {
    public static let fileName = "mempool.dat"
    static let magic: [UInt8] = Array("OBMP".utf8)
    static let version: UInt8 = 1

    public static func encode(_ transfers: [Transfer]) -> [UInt8] {
        var writer = ByteWriter(capacity: 16 + transfers.count * 160)
        writer.write(raw: magic)
        writer.write(version)
        writer.write(UInt32(transfers.count))
        // Nonce order, so that each sender's chain of transfers is offered parent first.
        for transfer in transfers.sorted(by: { $0.nonce < $1.nonce }) { transfer.encode(to: &writer) }
        return writer.bytes
    }

    /// The transfers in `bytes`, at most `limit` of them.
    /// - Throws: `DecodeError` for a file that is not a mempool file of this version, or is damaged.
    public static func decode(_ bytes: [UInt8], limit: Int) throws(DecodeError) -> [Transfer] {
        var reader = ByteReader(bytes)
        for byte in magic where try reader.read(UInt8.self) != byte { throw DecodeError.invalidValue(field: "magic") }
        let fileVersion = try reader.read(UInt8.self)
        guard fileVersion == version else { throw DecodeError.unknownType(field: "version", value: fileVersion) }
        let count = Int(try reader.read(UInt32.self))
        guard count <= limit else { throw DecodeError.countTooLarge(field: "transfers", count: count, limit: limit) }
        var transfers: [Transfer] = []
        transfers.reserveCapacity(count)
        for _ in 0..<count { transfers.append(try Transfer(from: &reader)) }
        try reader.expectEnd()
        return transfers
    }

    /// Writes `transfers` to `<directory>/mempool.dat`, replacing it whole (a temporary file renamed over it).
    public static func save(_ transfers: [Transfer], inDirectory directory: String) throws {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(fileName)
        try Data(encode(transfers)).write(to: url, options: .atomic)
    }

    /// The transfers of `<directory>/mempool.dat`; none when there is no file.
    public static func load(fromDirectory directory: String, limit: Int) throws -> [Transfer] {
        let path = URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return try decode([UInt8](data), limit: limit)
    }
}
