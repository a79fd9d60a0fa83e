import ObolAPI
import ObolFiles

/// Where a node keeps the token of its wallet routes: `DATA_DIR/api.token`, readable by its user only,
/// made anew at every start (a stolen token is good until the next restart at most), as bitcoind's
/// cookie file. A client on the same machine reads it and sends `Authorization: Bearer <token>`.
public enum APITokenFile {
    /// The file's name in the data directory.
    public static let name = "api.token"

    /// The token file's path in `dataDirectory`.
    public static func path(in dataDirectory: String) -> String {
        dataDirectory.hasSuffix("/") ? dataDirectory + name : dataDirectory + "/" + name
    }

    /// Writes `token` (64 hex digits, no newline) to `DATA_DIR/api.token` with mode 0600, replacing
    /// an older one atomically; returns the path.
    @discardableResult
    public static func write(_ token: APIToken, in dataDirectory: String) throws(SecretFileError) -> String {
        let path = path(in: dataDirectory)
        try SecretFile.replace(Array(token.hex.utf8), at: path, temporaryPrefix: ".api-token-")
        return path
    }
}
