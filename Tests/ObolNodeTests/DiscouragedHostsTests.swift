@testable import ObolNode
import Testing

struct DiscouragedHostsTests {
    @Test func keepsTheFirstOffenceAndListsTheMostRecentFirst() {
        var hosts = DiscouragedHosts(capacity: 4)
        hosts.insert("127.0.0.5", reason: "invalid block: bad-signature", at: 100)
        hosts.insert("127.0.0.6", reason: "invalid header: pow-too-weak", at: 101)
        hosts.insert("127.0.0.5", reason: "bad frame", at: 102)
        #expect(hosts.count == 2)
        #expect(hosts.newestFirst == [
            Discouragement(host: "127.0.0.6", reason: "invalid header: pow-too-weak", since: 101),
            Discouragement(host: "127.0.0.5", reason: "invalid block: bad-signature", since: 100),
        ])
    }

    @Test func forgetsTheOldestWhenFull() {
        var hosts = DiscouragedHosts(capacity: 3)
        for index in 1...5 { hosts.insert("127.0.0.\(index)", reason: "r\(index)", at: UInt64(index)) }
        #expect(hosts.count == 3)
        #expect(!hosts.contains("127.0.0.1") && !hosts.contains("127.0.0.2"))
        #expect(hosts.newestFirst.map(\.host) == ["127.0.0.5", "127.0.0.4", "127.0.0.3"])
    }
}
