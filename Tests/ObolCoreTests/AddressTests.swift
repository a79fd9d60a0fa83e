import Foundation
import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct AddressTests {
    let address = ChainParams.devnetAllocationKey.publicKey.address

    @Test func roundTripsThroughText() throws {
        let text = address.description
        #expect(text.hasPrefix("obol1"))
        #expect(text.count == 4 + 1 + 32 + 6)
        #expect(try #require(Address(text)) == address)
        #expect(try #require(Address(text.uppercased())) == address)
    }

    @Test func addressIsDoubleSHA256PrefixOfPublicKey() {
        let key = ChainParams.devnetAllocationKey.publicKey
        #expect(address.bytes == Array(SHA256d.hash(key.bytes).bytes.prefix(20)))
    }

    @Test func rejectsEverySingleCharacterSubstitution() {
        let text = Array(address.description)
        let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l1bio") + ["Q", "O", "-", " "]
        var tried = 0
        for position in text.indices {
            for replacement in alphabet where replacement != text[position] {
                var mutated = text
                mutated[position] = replacement
                tried += 1
                #expect(Address(String(mutated)) == nil, "\(String(mutated)) was accepted")
            }
        }
        #expect(tried > 1_500)
    }

    @Test(arguments: ["tobol", "obo", "bc", "obol2", "OBOLX"])
    func rejectsWrongPrefix(prefix: String) {
        #expect(Address(Bech32m.encode(hrp: prefix.lowercased(), data: address.bytes)) == nil)
    }

    @Test(arguments: [0, 19, 21, 32])
    func rejectsWrongPayloadLength(length: Int) {
        #expect(Address(Bech32m.encode(hrp: Address.prefix, data: [UInt8](repeating: 7, count: length))) == nil)
        #expect(Address(bytes: [UInt8](repeating: 7, count: length)) == nil)
    }

    @Test func rejectsMixedCaseAndDroppedOrAddedCharacter() {
        let text = address.description
        let mixed = text.prefix(10).uppercased() + text.dropFirst(10)
        #expect(Address(mixed) == nil)
        #expect(Address(String(text.dropLast())) == nil)
        #expect(Address(text + "q") == nil)
        #expect(Address("") == nil)
    }

    @Test func codableUsesTheTextForm() throws {
        let json = try JSONEncoder().encode([address])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(address)\"]")
        #expect(try JSONDecoder().decode([Address].self, from: json) == [address])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Address].self, from: Data("[\"obol1qq\"]".utf8)) }
    }
}
