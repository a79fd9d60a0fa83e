import Foundation
import ObolCore

// The mempool across restarts: written to the data directory on shutdown, offered again on start (`MempoolFile`).
extension Node {
    /// Offers the transfers of the last shutdown to the mempool, which checks them again.
    func loadMempool() async {
        guard let directory = configuration.dataDirectory else { return }
        let transfers: [Transfer]
        do {
            transfers = try MempoolFile.load(fromDirectory: directory, limit: configuration.mempool.maxCount)
        } catch {
            logger.warning("ignoring \(MempoolFile.fileName): \(error)")
            return
        }
        guard !transfers.isEmpty else { return }
        let results = await mempool.submit(contentsOf: transfers, origin: .local)
        let kept = results.count { if case .success = $0 { true } else { false } }
        logger.info("mempool loaded", metadata: [
            "file": "\(MempoolFile.fileName)", "transfers": "\(transfers.count)", "kept": "\(kept)",
        ])
    }

    /// Writes the pending transfers to the data directory (an empty mempool writes an empty file, so a
    /// restart never offers transfers of an older shutdown again).
    func saveMempool() async {
        guard let directory = configuration.dataDirectory else { return }
        let transfers = await mempool.all()
        do {
            try MempoolFile.save(transfers, inDirectory: directory)
            logger.info("mempool saved", metadata: ["transfers": "\(transfers.count)"])
        } catch {
            logger.error("could not save the mempool: \(error)")
        }
    }
}
