import ObolCore

/// The network a key file belongs to, as `GET /status` names it: the network's name (such as `devnet`) and
/// its id (the one every transfer is signed with). An encrypted key file (version 2) records it, and
/// `obol wallet send` refuses a node that reports another one.
public struct KeyFileNetwork: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var id: UInt32

    public init(name: String, id: UInt32) {
        self.name = name
        self.id = id
    }

    public init(_ params: ChainParams) {
        self.init(name: params.name, id: params.networkID)
    }

    /// `devnet (id 1234)`.
    public var description: String { "\(name) (id \(id))" }

    /// Why a wallet for this network must not use a node that reports `status`, or nil when the node is on
    /// this network (same name and same id).
    public func mismatch(nodeNetwork name: String, id: UInt32, keyFile path: String) -> WalletError? {
        guard name != self.name || id != self.id else { return nil }
        return WalletError(code: "wrong-network", message: "the node is on network \(name) (id \(id)) but key file "
                           + "\(path) belongs to \(description); use a node of that network (--node)")
    }
}
