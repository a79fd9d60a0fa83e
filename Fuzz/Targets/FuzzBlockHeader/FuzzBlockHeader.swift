import FuzzSupport
import ObolCore
import ObolWire

/// A block header (96 bytes, PROTOCOL.md §2.1). ObolCore's decoder and the wire's own in-place decoder of
/// `headers` messages must agree.
/// Property: a decoded header re-encodes to its input; a `headers` message of that one header decodes to the
/// same header exactly when ObolCore's decoder accepts it.
@main enum FuzzBlockHeader {
    static func main() {
        Fuzz.run { data, size in
            FuzzBlockHeader.check(Fuzz.bytes(data, size))
            return 0
        }
    }

    static func check(_ bytes: [UInt8]) {
        let header = try? BlockHeader(decoding: bytes)
        if let header {
            Fuzz.require(header.encoded == bytes, "a decoded header re-encodes to its input")
            _ = header.hash
        }
        let payload: [UInt8] = [1, 0, 0, 0] + bytes  // headers.count = 1, then the header
        let viaWire = try? Message.decode(command: .headers, payload: payload)
        Fuzz.require(viaWire == header.map { .headers([$0]) },
                     "the wire's headers decoder agrees with ObolCore's header decoder")
    }
}
