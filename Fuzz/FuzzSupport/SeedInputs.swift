import Foundation
import ObolAPIModels
import ObolCore
import ObolWallet
import ObolWire

/// The seed corpus of every target, built from real encodings (written to `Corpus/<target>/` by FuzzSeeds).
public enum SeedInputs {
    /// Seeds by target name.
    public static func all() -> [String: [[UInt8]]] {
        [
            "FuzzBlock": [params.genesisBlock.encoded, block.encoded],
            "FuzzBlockHeader": [params.genesisBlock.header.encoded, block.header.encoded],
            "FuzzTransfer": [transfer.encoded, transferWithData.encoded],
            "FuzzWireFrames": messages.map(\.frame) + [messages.flatMap(\.frame)],
            "FuzzNoiseHandshake": noiseHandshake,
            "FuzzNoiseFrames": noiseFrames,
            "FuzzChainSpec": [json(ChainParams.devnet), json(ChainParams.test)],
            "FuzzKeyFiles": [json(KeyFile(key: key)), key.bytes, [UInt8](repeating: 1, count: 32), encryptedKeyFile],
            "FuzzAPIRequests": apiRequests,
        ]
    }

    static let params = ChainParams.devnet

    /// The devnet key in an encrypted key file (version 2), at the cheapest scrypt cost.
    static let encryptedKeyFile = try! EncryptedKeyFile.encrypt(key, network: KeyFileNetwork(params), passphrase: "fuzz",
                                                                scrypt: .testing).json()
    static let key = ChainParams.devnetAllocationKey
    static let recipient = try! PrivateKey(bytes: [UInt8](repeating: 7, count: 32)).publicKey.address

    static let transfer = Transfer.signed(by: key, networkID: params.networkID, to: recipient, amount: 5 * ChainParams.coin,
                                          fee: 1_000, nonce: 0)
    static let transferWithData = Transfer.signed(by: key, networkID: params.networkID, to: recipient, amount: 1,
                                                  fee: 2_000, nonce: 1, data: Array("memo".utf8))

    /// A block on the genesis block with a coinbase and two transfers (its proof of work is not solved:
    /// the decoders do not check it).
    static let block: Block = {
        let coinbase = Coinbase(networkID: params.networkID, height: 1, recipient: recipient,
                                amount: params.reward(at: 1) + 3_000, data: Array("fuzz seed".utf8))
        let transactions: [Transaction] = [.coinbase(coinbase), .transfer(transfer), .transfer(transferWithData)]
        let header = BlockHeader(height: 1, previousHash: params.genesisBlock.hash,
                                 merkleRoot: MerkleTree.root(of: transactions.map(\.fullHash)),
                                 timestamp: params.genesisTimestamp + 5, bits: params.initialBits, nonce: 42)
        return Block(header: header, transactions: transactions)
    }()

    /// One message of every kind.
    static let messages: [Message] = [
        .version(VersionMessage(networkID: params.networkID, services: [.fullNode, .relay], bestHeight: 12,
                                chainWork: UInt256(limbs: (1_000, 0, 0, 0)),
                                listenAddress: .ipv4(127, 0, 0, 1, port: 9333), userAgent: "/obol:fuzz/")),
        .verack, .ping(nonce: 1), .pong(nonce: 1), .getaddr,
        .addr([AddressEntry(lastSeen: 1_795_000_000, services: .fullNode, address: .ipv4(10, 0, 0, 1, port: 9333)),
               AddressEntry(lastSeen: 1_795_000_001, services: .relay,
                            address: NetworkAddress(host: .ipv6(high: 0x2001_0db8_0000_0000, low: 1), port: 9333))]),
        .inv([.block(block.hash), .transfer(transfer)]),
        .getdata([.transfer(transferWithData)]),
        .notfound([.block(params.genesisBlock.hash)]),
        .getheaders(HeaderRequest(locator: [block.hash, params.genesisBlock.hash])),
        .headers([params.genesisBlock.header, block.header]),
        .block(block), .tx(transfer), .mempool(limit: 500),
    ]

    /// A selector byte (which message is read, `NoiseScenario`), then the genuine message for it.
    static var noiseHandshake: [[UInt8]] {
        let noise = NoiseFixture.shared
        return [[0] + noise.message1, [1] + noise.message2, [2] + noise.message3, [3] + noise.transportStream]
    }

    /// Length-prefixed handshake messages, alone and back to back.
    static var noiseFrames: [[UInt8]] {
        let noise = NoiseFixture.shared
        let framed = [noise.message1, noise.message2, noise.message3].map { try! NoiseFrameBuffer.frame($0) }
        return framed + [framed.flatMap { $0 }, noise.transportStream]
    }

    static var apiRequests: [[UInt8]] {
        [
            json(SubmitTransactionRequest(raw: transfer)),
            json(SubmitTransactionRequest(fields: transferWithData)),
            json(ConnectPeerRequest(address: "198.51.100.4:9333")),
            json(ConnectPeerRequest(address: "[2001:db8::1]:9333")),
            json(BanPeerRequest(address: "seed.example.org", duration: 3_600, reason: "spam")),
            json(TrackerRequest(nodeId: Hex.encode(NoiseFixture.shared.responderResult.remoteStaticKey),
                                address: "127.0.0.1:9333", network: params.networkID, timestamp: 1_795_000_000,
                                proof: String(repeating: "ab", count: 32))),
            Array(recipient.description.utf8),
            Array(block.hash.description.utf8),
        ]
    }

    static func json(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try! encoder.encode(value))
    }
}
