import Foundation
import FuzzSupport
import ObolAPIModels
import ObolCore
import ObolWire

/// The HTTP API's request bodies (`POST /transactions`, `/wallet/send`, `/peers`, `/peers/bans`, `/tracker/*`), decoded as
/// `RequestParsing.json` does (JSONDecoder into the ObolAPIModels shapes), then checked as the routes check
/// them; and the input as a path parameter (an address, a hash, a peer address).
/// Properties: every accepted body round-trips through JSON; an accepted transfer request's transfer comes
/// back unchanged through both request forms; an accepted wallet payment is exactly what the body asked for,
/// within the transfer limits, and the transfer signed for it carries it with a valid signature; a peer address's canonical text parses to itself, and the
/// peer layer's `PeerEndpoint` reads an address with a port to the same port; parsed addresses and hashes
/// print to text that parses back to them.
@main enum FuzzAPIRequests {
    static func main() {
        Fuzz.run { data, size in
            FuzzAPIRequests.check(Fuzz.bytes(data, size))
            return 0
        }
    }

    static func check(_ bytes: [UInt8]) {
        let json = Data(bytes)
        if let request = roundTrip(SubmitTransactionRequest.self, json), let transfer = try? request.transfer() {
            Fuzz.require((try? SubmitTransactionRequest(raw: transfer).transfer()) == transfer, "raw form round trip")
            if (try? PublicKey(bytes: transfer.sender.bytes)) != nil {  // the raw form does not check the key
                Fuzz.require((try? SubmitTransactionRequest(fields: transfer).transfer()) == transfer, "field form round trip")
            }
        }
        if let request = roundTrip(WalletSendRequest.self, json) { checkPayment(request) }
        if let request = roundTrip(ConnectPeerRequest.self, json) { checkPeerAddress(request.address) }
        if let request = roundTrip(BanPeerRequest.self, json) { checkPeerAddress(request.address) }
        if let request = roundTrip(TrackerRequest.self, json) { checkEndpoint(request.address) }
        if let text = String(validating: bytes, as: UTF8.self) { checkPathParameter(text) }
    }

    /// The body decoded, and required to decode to itself once encoded again.
    static func roundTrip<T: Codable & Equatable>(_: T.Type, _ json: Data) -> T? {
        guard let value = try? JSONDecoder().decode(T.self, from: json) else { return nil }
        let encoded = try! JSONEncoder().encode(value)
        Fuzz.require((try? JSONDecoder().decode(T.self, from: encoded)) == value, "\(T.self) round-trips through JSON")
        return value
    }

    static let walletKey = try! PrivateKey(hex: String(repeating: "11", count: 32))

    /// What `POST /wallet/send` signs for the request: the fields it gave (the fee defaulting to the minimum),
    /// an amount above 0 and data within the limit; the transfer signed for it carries it, validly signed.
    static func checkPayment(_ request: WalletSendRequest) {
        let minimumFee = ChainParams.test.minimumFee
        guard let payment = try? request.payment(minimumFee: minimumFee) else { return }
        Fuzz.require(payment.recipient.description == request.to && payment.amount == request.amount
                     && payment.fee == (request.fee ?? minimumFee) && payment.data == Array((request.data ?? "").utf8),
                     "the payment is what the body asked for")
        Fuzz.require(payment.amount > 0 && payment.data.count <= Limits.maxTransferData, "the payment is within the limits")
        let transfer = Transfer.signed(by: walletKey, networkID: ChainParams.test.networkID, to: payment.recipient,
                                       amount: payment.amount, fee: payment.fee, nonce: request.nonce ?? 0,
                                       data: payment.data)
        Fuzz.require(transfer.recipient == payment.recipient && transfer.amount == payment.amount
                     && transfer.fee == payment.fee && transfer.data == payment.data && transfer.hasValidSignature,
                     "the transfer carries the payment, validly signed")
    }

    static func checkPeerAddress(_ text: String) {
        guard let address = try? PeerAddress(text) else { return }
        Fuzz.require((try? PeerAddress(address.description)) == address, "a peer address's canonical text parses to itself")
        if let port = address.port {
            Fuzz.require(PeerEndpoint(text)?.port == port, "the peer layer reads the same port")
        }
    }

    static func checkEndpoint(_ text: String) {
        guard let endpoint = PeerEndpoint(text) else { return }
        Fuzz.require(PeerEndpoint(endpoint.description) == endpoint, "an endpoint's text parses to itself")
    }

    /// `RequestParsing.address`, `.hash` and `.blockID` parse with these, and `/peers/bans/{address}` with
    /// `PeerAddress`.
    static func checkPathParameter(_ text: String) {
        if let address = Address(text) {
            Fuzz.require(Address(address.description) == address, "an address's text parses to itself")
        }
        if let hash = Hash256(hex: text) {
            Fuzz.require(Hash256(hex: hash.description) == hash, "a hash's text parses to itself")
        }
        checkPeerAddress(text)
        checkEndpoint(text)
    }
}
