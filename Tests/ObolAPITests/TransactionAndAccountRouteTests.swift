import HummingbirdTesting
import ObolAPIModels
import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct TransactionAndAccountRouteTests {
    let fixture = ChainFixture.shared

    @Test func confirmedTransferShowsItsBlockAndSignature() async throws {
        try await withRouter { client in
            let tx: TransactionResponse = try await client.get("/transactions/\(fixture.payBob.id)").decode()
            #expect(tx.status == .confirmed)
            #expect(tx.kind == .transfer)
            #expect(tx.from == fixture.aliceAddress)
            #expect(tx.to == fixture.bobAddress)
            #expect(tx.amount == 150_000_000)
            #expect(tx.fee == ChainParams.test.minimumFee)
            #expect(tx.nonce == 0)
            #expect(tx.data == Hex.encode(Array("lunch".utf8)))
            #expect(tx.senderKey == Hex.encode(fixture.alice.publicKey.bytes))
            #expect(tx.signature == Hex.encode(fixture.payBob.signature.bytes))
            #expect(tx.blockHash == fixture.block2.hash)
            #expect(tx.height == 2)
        }
    }

    @Test func coinbaseHasNoSender() async throws {
        let coinbase = try #require(fixture.block1.transactions.first)
        try await withRouter { client in
            let tx: TransactionResponse = try await client.get("/transactions/\(coinbase.id)").decode()
            #expect(tx.kind == .coinbase)
            #expect(tx.from == nil && tx.nonce == nil && tx.signature == nil)
            #expect(tx.to == fixture.minerAddress)
            #expect(tx.height == 1)
        }
    }

    @Test func pendingTransferHasNoBlock() async throws {
        try await withRouter { client in
            let response = try await client.get("/transactions/\(fixture.pending.id)")
            #expect(response.status == .ok)
            let tx: TransactionResponse = try response.decode()
            #expect(tx.status == .pending)
            #expect(tx.blockHash == nil && tx.height == nil)
            #expect(!response.text.contains("blockHash"))
        }
    }

    @Test func unknownTransactionIs404() async throws {
        try await withRouter { client in
            let response = try await client.get("/transactions/\(String(repeating: "0", count: 64))")
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not-found")
        }
    }

    @Test(arguments: ["abc", String(repeating: "z", count: 64), String(repeating: "a", count: 66)])
    func malformedTxidIs400(txid: String) async throws {
        try await withRouter { client in
            let response = try await client.get("/transactions/\(txid)")
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-hash")
        }
    }

    @Test func accountShowsBalanceNoncesAndHistory() async throws {
        try await withRouter { client in
            let account: AccountResponse = try await client.get("/accounts/\(fixture.aliceAddress)").decode()
            let fee = ChainParams.test.minimumFee
            #expect(account.address == fixture.aliceAddress)
            #expect(account.balance == 10 * ChainParams.coin - 150_000_000 - fee)
            #expect(account.nonce == 1)
            #expect(account.pendingNonce == 2)
            #expect(account.transactions.map(\.txid) == [fixture.pending.id, fixture.payBob.id, fixture.payAlice.id])
            #expect(account.transactions.map(\.status) == [.pending, .confirmed, .confirmed])
        }
    }

    @Test func accountHistoryHonoursLimit() async throws {
        try await withRouter { client in
            let account: AccountResponse = try await client.get("/accounts/\(fixture.aliceAddress)?limit=1").decode()
            #expect(account.transactions.map(\.txid) == [fixture.pending.id, fixture.payBob.id])
            let bad = try await client.get("/accounts/\(fixture.aliceAddress)?limit=0")
            #expect(bad.status == .badRequest)
        }
    }

    @Test func unknownAccountIsEmptyNotMissing() async throws {
        try await withRouter { client in
            let account: AccountResponse = try await client.get("/accounts/\(fixture.stranger.publicKey.address)").decode()
            #expect(account.balance == 0 && account.nonce == 0 && account.pendingNonce == 0)
            #expect(account.transactions.isEmpty)
        }
    }

    @Test func addressWithATypoIs400() async throws {
        var text = Array(fixture.aliceAddress.description)
        let last = text.count - 1
        text[last] = text[last] == "q" ? "p" : "q"
        let typo = String(text)
        try await withRouter { client in
            let response = try await client.get("/accounts/\(typo)")
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-address")
            #expect(response.errorMessage?.contains(typo) == true)
        }
    }

    @Test(arguments: ["nope", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "obol1"])
    func foreignOrShortAddressesAre400(address: String) async throws {
        try await withRouter { client in
            let response = try await client.get("/accounts/\(address)")
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-address")
        }
    }

    @Test func mempoolListsPendingTransfers() async throws {
        try await withRouter { client in
            let mempool: MempoolResponse = try await client.get("/mempool").decode()
            #expect(mempool.count == 1)
            #expect(mempool.transactions.map(\.txid) == [fixture.pending.id])
            #expect(mempool.transactions.allSatisfy { $0.status == .pending })
        }
    }
}

/// `GET /accounts/{address}` tells the spendable part of a balance from coins
/// minted too recently (coinbase maturity), reckoned for the next block.
@Suite(.timeLimit(.minutes(1))) struct AccountSpendableRouteTests {
    let fixture = ChainFixture.shared

    @Test func minerBalanceSplitsIntoSpendableAndMaturingCoins() async throws {
        // Maturity 2, tip at height 2: the coinbase of block 1 is spendable in
        // block 3, the one of block 2 from block 4.
        let backend = FakeBackend(coinbaseMaturity: 2)
        let fee = ChainParams.test.minimumFee
        let first = ChainParams.test.reward(at: 1) + fee, second = ChainParams.test.reward(at: 2) + fee
        try await withRouter(backend) { client in
            let account: AccountResponse = try await client.get("/accounts/\(fixture.minerAddress)").decode()
            #expect(account.balance == first + second)
            #expect(account.spendable == first)
            #expect(account.immature == second)
            #expect(account.maturing == [MaturingCoins(amount: second, spendableFrom: 4)])
            #expect(account.nextHeight == 3)
            #expect(account.spendableHeight(covering: first + 1) == 4)
        }
    }

    @Test func withoutMaturityTheWholeBalanceIsSpendable() async throws {
        try await withRouter { client in
            let account: AccountResponse = try await client.get("/accounts/\(fixture.minerAddress)").decode()
            #expect(account.balance > 0)
            #expect(account.spendable == account.balance)
            #expect(account.immature == 0 && account.maturing.isEmpty)
        }
    }

    @Test func spendingNewlyMinedCoinsIs422WithTheRuleAndWhen() async throws {
        let fee = ChainParams.test.minimumFee
        let first = ChainParams.test.reward(at: 1) + fee
        let spend = Transfer.signed(by: fixture.miner, networkID: fixture.params.networkID, to: fixture.bobAddress,
                                    amount: first, fee: fee, nonce: 0)
        try await withRouter(FakeBackend(coinbaseMaturity: 2)) { client in
            let response = try await client.post("/transactions", encoding: SubmitTransactionRequest(raw: spend))
            #expect(response.status == .unprocessableContent)
            #expect(response.errorCode == "immature-coinbase-spend")
            #expect(response.errorMessage?.contains("spendable from block 4") == true)
        }
    }

    @Test func jsonNamesTheNewFields() async throws {
        try await withRouter(FakeBackend(coinbaseMaturity: 2)) { client in
            let text = try await client.get("/accounts/\(fixture.minerAddress)").text
            for key in ["\"spendable\"", "\"immature\"", "\"maturing\"", "\"spendableFrom\"", "\"nextHeight\""] {
                #expect(text.contains(key), "missing \(key)")
            }
        }
    }
}
