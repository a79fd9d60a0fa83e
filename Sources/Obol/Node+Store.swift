import Foundation
import ObolNode
import ObolStore

extension Node {
    /// A node whose chain lives where `configuration.dataDirectory` says: in
    /// an SQLite store there, or in memory when it is nil.
    public convenience init(configuration: NodeConfiguration, clock: any NodeClock = SystemClock()) throws {
        let store: any ChainStore = if let directory = configuration.dataDirectory {
            try SQLiteChainStore(dataDirectory: URL(fileURLWithPath: directory))
        } else {
            MemoryChainStore()
        }
        try self.init(configuration: configuration, store: store, clock: clock)
    }
}
