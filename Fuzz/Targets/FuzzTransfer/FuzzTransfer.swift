import FuzzSupport
import ObolAPIModels
import ObolCore
import ObolWire

/// A transfer's consensus encoding, as peers send it (`tx`) and as `POST /transactions` takes it (`raw`).
/// Property: a decoded transfer re-encodes to its input; both forms of the API's request carry it back
/// unchanged (the field form refuses a sender key off the curve, which no signature can then match); the
/// `tx` frame decodes to the same transfer.
@main enum FuzzTransfer {
    static func main() {
        Fuzz.run { data, size in
            FuzzTransfer.check(Fuzz.bytes(data, size))
            return 0
        }
    }

    static func check(_ bytes: [UInt8]) {
        guard let transfer = try? Transfer(decoding: bytes) else { return }
        Fuzz.require(transfer.encoded == bytes, "a decoded transfer re-encodes to its input")
        Fuzz.require(transfer.size == bytes.count, "Transfer.size is the encoding's length")
        Fuzz.require((try? SubmitTransactionRequest(raw: transfer).transfer()) == transfer,
                     "the raw form of the API's request carries the transfer unchanged")
        // The binary decoder takes any 33 bytes as the sender's key (the signature check refuses a key off
        // the curve); the field form checks the key at once.
        let fieldForm = try? SubmitTransactionRequest(fields: transfer).transfer()
        if (try? PublicKey(bytes: transfer.sender.bytes)) != nil {
            Fuzz.require(fieldForm == transfer, "the field form of the API's request carries the transfer unchanged")
        } else {
            Fuzz.require(fieldForm == nil && !transfer.hasValidSignature,
                         "a sender key off the curve is refused by the field form and by the signature check")
        }
        Fuzz.require((try? Message.decode(command: .tx, payload: bytes)) == .tx(transfer),
                     "the tx frame decodes to the same transfer")
        _ = transfer.totalCost
        _ = transfer.signatureDigest
    }
}
