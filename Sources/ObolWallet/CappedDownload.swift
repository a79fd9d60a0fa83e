import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// One HTTP exchange whose reply is read only up to `limit` bytes: a node (or anything at its address) that
/// answers with an endless body cannot make the wallet allocate without bound. The task is cancelled as soon
/// as the reply passes the limit.
final class CappedDownload: NSObject, URLSessionDataDelegate, Sendable {
    enum Outcome {
        case reply(Data, URLResponse)
        case tooLarge
        case failed(any Error)
    }

    private struct State {
        var data = Data()
        var response: URLResponse?
        var continuation: CheckedContinuation<Outcome, Never>?
        var exceeded = false
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `request` on a session of `configuration` with this object as its delegate.
    static func run(_ request: URLRequest, configuration: URLSessionConfiguration, limit: Int) async -> Outcome {
        let download = CappedDownload(limit: limit)
        let session = URLSession(configuration: configuration, delegate: download, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return await withCheckedContinuation { continuation in
            download.state.withLock { $0.continuation = continuation }
            session.dataTask(with: request).resume()
        }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let declared = response.expectedContentLength
        let tooLarge = declared > Int64(limit)
        state.withLock {
            $0.response = response
            if tooLarge { $0.exceeded = true }
        }
        completionHandler(tooLarge ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let over = state.withLock { s -> Bool in
            guard !s.exceeded else { return false }
            if s.data.count + data.count > limit {
                s.exceeded = true
                s.data = Data()
                return true
            }
            s.data.append(data)
            return false
        }
        if over { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, outcome) = state.withLock { s -> (CheckedContinuation<Outcome, Never>?, Outcome) in
            defer { s.continuation = nil }
            if s.exceeded { return (s.continuation, .tooLarge) }
            if let error { return (s.continuation, .failed(error)) }
            guard let response = s.response else { return (s.continuation, .failed(URLError(.badServerResponse))) }
            return (s.continuation, .reply(s.data, response))
        }
        continuation?.resume(returning: outcome)
    }
}
