import CSHA256

/// SHA-256 through the C kernels (SHA-NI when the CPU has it).
public enum SHA256 {
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> Hash256 {
        var out = Hash256.zero
        out.withUnsafeMutableBytes { dst in
            obol_sha256(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
                        dst.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return out
    }

    public static func hash(_ bytes: [UInt8]) -> Hash256 {
        bytes.withUnsafeBytes { hash($0) }
    }
}

/// Double SHA-256, the hash of blocks, transactions and Merkle nodes.
public enum SHA256d {
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> Hash256 {
        var out = Hash256.zero
        out.withUnsafeMutableBytes { dst in
            obol_sha256d(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
                         dst.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return out
    }

    public static func hash(_ bytes: [UInt8]) -> Hash256 {
        bytes.withUnsafeBytes { hash($0) }
    }
}
