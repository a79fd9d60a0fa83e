import Foundation
import ObolCore
import Testing

/// A chain spec from a file is checked field by field, so that a typo cannot
/// make the node trap later (an overflowing retarget, a huge reservation) or
/// write outside its data directory.
@Suite(.timeLimit(.minutes(1))) struct ChainSpecValidationTests {
    @Test func presetsAreValid() throws {
        try ChainParams.devnet.validate()
        try ChainParams.test.validate()
    }

    static let outOfRange: [(String, @Sendable (inout ChainParams) -> Void)] = [
        ("name", { $0.name = "" }),
        ("name", { $0.name = "../../etc" }),
        ("name", { $0.name = "Dev Net" }),
        ("name", { $0.name = "-devnet" }),
        ("name", { $0.name = String(repeating: "a", count: 33) }),
        ("defaultPort", { $0.defaultPort = 0 }),
        ("targetBlockTime", { $0.targetBlockTime = 0 }),
        ("targetBlockTime", { $0.targetBlockTime = 4_611_686_018_427_387_904 }),
        ("retargetInterval", { $0.retargetInterval = 0 }),
        ("retargetInterval", { $0.retargetInterval = 1_000_001 }),
        ("initialBits", { $0.initialBits = CompactTarget(bits: 0) }),
        ("initialBits", { $0.initialBits = CompactTarget(bits: 0x2100_ffff) }),  // over 256 bits
        ("maxTargetBits", { $0.maxTargetBits = CompactTarget(bits: 0) }),
        ("initialBits", { $0.initialBits = CompactTarget(bits: 0x207f_ffff); $0.maxTargetBits = CompactTarget(bits: 0x1f01_0000) }),
        ("maxBlockSize", { $0.maxBlockSize = 0 }),
        ("maxBlockSize", { $0.maxBlockSize = Limits.maxBlockSize + 1 }),
        ("maxBlockTransactions", { $0.maxBlockTransactions = 0 }),
        ("maxBlockTransactions", { $0.maxBlockTransactions = Limits.maxBlockTransactions + 1 }),
        ("maxFutureDrift", { $0.maxFutureDrift = 86_401 }),
        ("medianTimeSpan", { $0.medianTimeSpan = 0 }),
        ("medianTimeSpan", { $0.medianTimeSpan = 9_223_372_036_854_775_807 }),
    ]

    @Test(arguments: 0..<outOfRange.count)
    func aFieldOutOfRangeIsNamed(_ index: Int) throws {
        let (field, change) = Self.outOfRange[index]
        var params = ChainParams.devnet
        change(&params)
        #expect(throws: ChainSpecError.self) { try params.validate() }
        let json = try JSONEncoder().encode(params)
        do throws(ChainSpecError) {
            _ = try ChainParams.load(json: json)
            Issue.record("loaded a spec with \(field) out of range")
        } catch {
            #expect(error.field == field)
        }
    }

    @Test func theEdgesOfEachRangeAreAccepted() throws {
        var params = ChainParams.devnet
        params.name = "a-1"
        params.targetBlockTime = 86_400
        params.retargetInterval = 1
        params.maxBlockSize = Limits.maxBlockSize
        params.maxBlockTransactions = Limits.maxBlockTransactions
        params.maxFutureDrift = 0
        params.medianTimeSpan = 1_000
        #expect(try ChainParams.load(json: JSONEncoder().encode(params)) == params)
    }

    @Test func decodeErrorsNameTheFieldInOneLine() throws {
        var object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(ChainParams.devnet)) as? [String: Any])
        object.removeValue(forKey: "magic")
        let missing = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: ChainSpecError(field: "magic", reason: "missing")) { try ChainParams.load(json: missing) }

        object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(ChainParams.devnet)) as? [String: Any])
        object["targetBlockTime"] = "five"
        let mistyped = try JSONSerialization.data(withJSONObject: object)
        do throws(ChainSpecError) {
            _ = try ChainParams.load(json: mistyped)
            Issue.record("loaded a spec with a string block time")
        } catch {
            #expect(error.field == "targetBlockTime")
            #expect(!error.description.contains("\n") && !error.description.contains("CodingKeys"))
        }
        #expect(throws: ChainSpecError(field: "body", reason: "not valid JSON")) {
            try ChainParams.load(json: Data("{ not json".utf8))
        }
    }
}
