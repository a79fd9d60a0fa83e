import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct Bech32mTests {
    /// BIP-350 valid bech32m strings whose payload is whole bytes, with the
    /// prefix each must be decoded against.
    @Test(arguments: [
        ("A1LQFN3A", "a"),
        ("a1lqfn3a", "a"),
        ("an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
         "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber1"),
        ("abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx", "abcdef"),
        ("split1checkupstagehandshakeupstreamerranterredcaperredlc445v", "split"),
        ("?1v759aa", "?"),
    ])
    func acceptsBIP350ValidVector(text: String, hrp: String) throws {
        let payload = try #require(Bech32m.decode(text, hrp: hrp))
        #expect(Bech32m.encode(hrp: hrp, data: payload) == text.lowercased())
    }

    @Test func decodesBIP350VectorPayload() {
        // "l7aum6echk45nj3s0wdvt2fg8x9yrzpq" is the charset reversed: values 31...0.
        let values = (0..<32).reversed().map(UInt8.init)
        var bits = [Bool]()
        for v in values { for i in (0..<5).reversed() { bits.append((v >> UInt8(i)) & 1 == 1) } }
        let bytes = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        #expect(Bech32m.decode("abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx", hrp: "abcdef") == bytes)
    }

    /// BIP-350 invalid strings, each with the prefix it would claim.
    @Test(arguments: [
        ("an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
         "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio"),  // too long
        ("qyrz8wqd2c9m", "qyrz8wqd2c9m"),  // no separator
        ("1qyrz8wqd2c9m", ""),  // empty prefix
        ("y1b0jsk6g", "y"),  // 'b' is not in the charset
        ("lt1igcx5c0", "lt"),  // 'i' is not in the charset
        ("in1muywd", "in"),  // checksum too short
        ("mm1crxm3i", "mm"),  // bad character in checksum
        ("au1s5cgom", "au"),  // bad character in checksum
        ("M1VUXWEZ", "m"),  // checksum computed over the upper-case prefix
        ("16plkw9", ""),  // empty prefix
        ("1p2gdwpf", ""),  // empty prefix
        ("A1lqfn3a", "a"),  // mixed case
    ])
    func rejectsBIP350InvalidVector(text: String, hrp: String) {
        #expect(Bech32m.decode(text, hrp: hrp) == nil)
    }

    /// Valid BIP-173 (bech32, not bech32m) strings: the checksum constant differs.
    @Test(arguments: [
        ("a12uel5l", "a"),
        ("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "abcdef"),
    ])
    func rejectsBech32Checksum(text: String, hrp: String) {
        #expect(Bech32m.decode(text, hrp: hrp) == nil)
    }

    @Test func rejectsWrongExpectedPrefix() {
        #expect(Bech32m.decode("a1lqfn3a", hrp: "b") == nil)
        #expect(Bech32m.decode("abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx", hrp: "abcde") == nil)
    }

    @Test(arguments: [0, 1, 2, 19, 20, 21, 32, 40])
    func roundTripsPayloads(length: Int) {
        let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        #expect(Bech32m.decode(Bech32m.encode(hrp: "obol", data: data), hrp: "obol") == data)
    }
}
