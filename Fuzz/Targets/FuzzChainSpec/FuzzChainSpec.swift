import Foundation
import FuzzSupport
import ObolCore

/// A chain spec file (`obol node --network FILE`), through `ChainParams.load(json:)`: the JSON decoder and
/// the range checks of `validate()`.
/// Property: an accepted spec, encoded to JSON again, loads to the same parameters; its genesis block
/// encodes and decodes to itself; the reward schedule and the targets compute without trapping.
@main enum FuzzChainSpec {
    static func main() {
        Fuzz.run { data, size in
            FuzzChainSpec.check(Data(Fuzz.bytes(data, size)))
            return 0
        }
    }

    static func check(_ json: Data) {
        guard let params = try? ChainParams.load(json: json) else { return }
        let encoded = try! JSONEncoder().encode(params)
        Fuzz.require((try? ChainParams.load(json: encoded)) == params, "an accepted spec round-trips through JSON")
        let genesis = params.genesisBlock
        Fuzz.require((try? Block(decoding: genesis.encoded)) == genesis, "the genesis block decodes to itself")
        for height: UInt64 in [0, 1, params.halvingInterval, .max] { _ = params.reward(at: height) }
        _ = params.maxTarget
    }
}
