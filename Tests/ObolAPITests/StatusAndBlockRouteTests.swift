import Foundation
import HummingbirdTesting
import ObolAPIModels
import ObolCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct StatusAndBlockRouteTests {
    let fixture = ChainFixture.shared

    @Test func statusReportsTipNetworkAndCounts() async throws {
        try await withRouter { client in
            let response = try await client.get("/status")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            let status: StatusResponse = try response.decode()
            #expect(status.network == "test")
            #expect(status.networkID == ChainParams.test.networkID)
            #expect(status.height == 2)
            #expect(status.tip == fixture.block2.hash)
            #expect(status.target == ChainParams.test.initialBits.target)
            #expect(status.work == UInt256(3))
            #expect(status.hashRate == 1234.5)
            #expect(status.peers == 1)  // the fake's established peers; the other is in its handshake
            #expect(status.mempoolSize == 1)
            #expect(status.minimumFee == ChainParams.test.minimumFee)
            #expect(status.headers == 5)
            #expect(status.syncing)
        }
    }

    @Test func statusFromANodeWithoutHeadersOrSyncingDecodes() throws {
        let old = #"{"network":"test","networkID":7,"height":4,"tip":"\#(Hash256.zero)","work":"\#(UInt256.one)","#
            + #""target":"\#(UInt256.max)","hashRate":0,"peers":3,"mempoolSize":0,"minimumFee":1000}"#
        let status = try JSONDecoder().decode(StatusResponse.self, from: Data(old.utf8))
        #expect(status.headers == 4)
        #expect(status.syncing == false)
        #expect(status.peers == 3)
        let roundTrip = try JSONDecoder().decode(StatusResponse.self, from: JSONEncoder().encode(status))
        #expect(roundTrip == status)
    }

    @Test func statusUsesTheDocumentedFieldNames() async throws {
        try await withRouter { client in
            let response = try await client.get("/status")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            #expect(Set(object.keys) == ["network", "networkID", "height", "tip", "work", "target", "hashRate",
                                         "peers", "mempoolSize", "minimumFee", "headers", "syncing"])
            #expect(object["syncing"] as? Bool == true)
            #expect(object["tip"] as? String == fixture.block2.hash.description)
        }
    }

    @Test func blocksDefaultToNewestFirst() async throws {
        try await withRouter { client in
            let page: BlockListResponse = try await client.get("/blocks").decode()
            #expect(page.blocks.map(\.height) == [2, 1, 0])
            #expect(page.blocks.first?.hash == fixture.block2.hash)
            #expect(page.blocks.first?.transactionCount == 2)
            #expect(page.next == nil)
        }
    }

    @Test func blocksPageDownwardsWithNext() async throws {
        try await withRouter { client in
            let first: BlockListResponse = try await client.get("/blocks?limit=2").decode()
            #expect(first.blocks.map(\.height) == [2, 1])
            #expect(first.next == 0)
            let second: BlockListResponse = try await client.get("/blocks?limit=2&from=0").decode()
            #expect(second.blocks.map(\.height) == [0])
            #expect(second.next == nil)
        }
    }

    @Test func blocksAscendFromFrom() async throws {
        try await withRouter { client in
            let page: BlockListResponse = try await client.get("/blocks?order=asc&from=1&limit=1").decode()
            #expect(page.blocks.map(\.height) == [1])
            #expect(page.next == 2)
            let rest: BlockListResponse = try await client.get("/blocks?order=asc&from=2").decode()
            #expect(rest.blocks.map(\.height) == [2])
            #expect(rest.next == nil)
            let beyond: BlockListResponse = try await client.get("/blocks?order=asc&from=99").decode()
            #expect(beyond.blocks.isEmpty)
        }
    }

    @Test func blocksCapLargeLimits() async throws {
        try await withRouter { client in
            let response = try await client.get("/blocks?limit=100000")
            #expect(response.status == .ok)
            #expect(try response.decode(BlockListResponse.self).blocks.count == 3)
        }
    }

    @Test(arguments: ["/blocks?limit=0", "/blocks?limit=-1", "/blocks?limit=ten", "/blocks?from=-5",
                      "/blocks?from=1.5", "/blocks?order=sideways", "/blocks?from=+5"])
    func blocksRejectBadPagination(uri: String) async throws {
        try await withRouter { client in
            let response = try await client.get(uri)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-parameter")
        }
    }

    @Test func blockByHeightHasHeaderAndTransactions() async throws {
        try await withRouter { client in
            let block: BlockResponse = try await client.get("/blocks/2").decode()
            #expect(block.hash == fixture.block2.hash)
            #expect(block.previousHash == fixture.block1.hash)
            #expect(block.merkleRoot == fixture.block2.header.merkleRoot)
            #expect(block.bits == "207fffff")
            #expect(block.mainChain)
            #expect(block.transactions.map(\.kind) == [.coinbase, .transfer])
            #expect(block.transactions[1].txid == fixture.payBob.id)
            #expect(block.transactions[1].blockHash == fixture.block2.hash)
            #expect(block.transactions[0].from == nil)
        }
    }

    @Test func blockByHashFindsSideBranches() async throws {
        try await withRouter { client in
            let main: BlockResponse = try await client.get("/blocks/\(fixture.block1.hash)").decode()
            #expect(main.height == 1)
            let side: BlockResponse = try await client.get("/blocks/\(fixture.sideBlock1.hash)").decode()
            #expect(side.mainChain == false)
        }
    }

    @Test func unknownBlocksAre404() async throws {
        try await withRouter { client in
            let byHeight = try await client.get("/blocks/7")
            #expect(byHeight.status == .notFound)
            #expect(byHeight.errorCode == "not-found")
            let byHash = try await client.get("/blocks/\(String(repeating: "ab", count: 32))")
            #expect(byHash.status == .notFound)
        }
    }

    @Test(arguments: ["xyz", "00ff", String(repeating: "g", count: 64), "99999999999999999999999", "-1"])
    func malformedBlockIDsAre400(id: String) async throws {
        try await withRouter { client in
            let response = try await client.get("/blocks/\(id)")
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid-block-id")
        }
    }
}
