import ObolCore
import ObolTestSupport
import ObolNode
import Synchronization
import Testing

/// The shared manual clock (ObolTestSupport); the old name stays for suites
/// owned elsewhere (ChainHeaderRulesTests).
typealias MempoolTestClock = ManualClock

/// Keys, transfers and blocks for mempool tests.
enum MempoolFixture {
    static let params = ChainParams.test
    static let minimumFee = params.minimumFee
    static let recipient = PrivateKey.generate().publicKey.address
    static let start: UInt64 = 1_700_000_000
    static let rich = Account(balance: 1_000 * ChainParams.coin, nonce: 0)

    static func transfer(_ key: PrivateKey, nonce: UInt64, amount: UInt64 = 1_000, fee: UInt64 = minimumFee,
                         data: [UInt8] = [], to: Address = recipient) -> Transfer {
        Transfer.signed(by: key, networkID: params.networkID, to: to, amount: amount, fee: fee, nonce: nonce, data: data)
    }

    static func pool(_ config: MempoolConfig = .init()) -> MempoolPool {
        MempoolPool(params: params, config: config)
    }

    static func block(height: UInt64, _ transfers: [Transfer], miner: Address = recipient) -> Block {
        let coinbase = Coinbase(networkID: params.networkID, height: height, recipient: miner, amount: params.blockReward)
        let header = BlockHeader(height: height, previousHash: .zero, merkleRoot: .zero,
                                 timestamp: start + height, bits: params.initialBits)
        return Block(header: header, transactions: [.coinbase(coinbase)] + transfers.map { .transfer($0) })
    }

    static func tip(_ block: Block) -> ChainTip {
        ChainTip(hash: block.hash, height: block.height, chainWork: UInt256(block.height + 1), header: block.header)
    }

    /// Adds and expects acceptance, returning the events.
    @discardableResult
    static func admit(_ transfer: Transfer, to pool: inout MempoolPool, account: Account = rich,
                      now: UInt64 = start, sourceLocation: SourceLocation = #_sourceLocation) throws -> [MempoolEvent] {
        do {
            return try pool.add(transfer, account: account, now: now)
        } catch {
            Issue.record("rejected: \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// The rejection `add` throws, or nil when it accepts.
    static func rejection(_ transfer: Transfer, by pool: inout MempoolPool, account: Account = rich,
                          now: UInt64 = start) -> MempoolRejection? {
        do {
            _ = try pool.add(transfer, account: account, now: now)
            return nil
        } catch {
            return error
        }
    }
}

/// Events as comparable values.
enum MempoolEventRecord: Equatable, CustomStringConvertible {
    case accepted(Hash256)
    case removed(Hash256, MempoolRemovalReason)

    init(_ event: MempoolEvent) {
        switch event {
        case let .accepted(transfer, _): self = .accepted(transfer.id)
        case let .removed(id, reason): self = .removed(id, reason)
        }
    }

    var description: String {
        switch self {
        case let .accepted(id): "accepted(\(id.description.prefix(8)))"
        case let .removed(id, reason): "removed(\(id.description.prefix(8)), \(reason))"
        }
    }
}

extension Array where Element == MempoolEvent {
    var records: [MempoolEventRecord] { map(MempoolEventRecord.init) }
}
