import Foundation

/// Why a chain spec cannot be used: a field out of its range, or JSON that
/// does not decode. The description is one line meant for a person.
public struct ChainSpecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The JSON field at fault ("body" when the whole document is).
    public let field: String
    public let reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field == "body" ? reason : "\(field): \(reason)" }
}

extension ChainParams {
    /// Loads a chain spec from JSON and checks every field's range (`validate`).
    public static func load(json: Data) throws(ChainSpecError) -> ChainParams {
        let params: ChainParams
        do {
            params = try JSONDecoder().decode(ChainParams.self, from: json)
        } catch {
            throw ChainSpecError(decoding: error)
        }
        try params.validate()
        return params
    }

    /// Checks that every parameter is in a range the node can run with: no
    /// arithmetic on them can overflow, no limit exceeds what the decoder
    /// accepts, and the name is safe as a directory name.
    public func validate() throws(ChainSpecError) {
        func require(_ condition: Bool, _ field: String, _ reason: String) throws(ChainSpecError) {
            if !condition { throw ChainSpecError(field: field, reason: reason) }
        }
        let nameCharacters = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
        }
        try require((1...32).contains(name.count) && nameCharacters && !name.hasPrefix("-"), "name",
                    "1 to 32 characters of a-z, 0-9 and '-', not starting with '-' (it names the data directory)")
        try require(defaultPort > 0, "defaultPort", "must be 1 to 65535")
        try require((1...86_400).contains(targetBlockTime), "targetBlockTime", "must be 1 to 86400 seconds")
        try require((1...1_000_000).contains(retargetInterval), "retargetInterval", "must be 1 to 1000000 blocks")
        guard let initial = initialBits.target, !initial.isZero else {
            throw ChainSpecError(field: "initialBits", reason: "is not a valid nonzero compact target")
        }
        guard let maximum = maxTargetBits.target, !maximum.isZero else {
            throw ChainSpecError(field: "maxTargetBits", reason: "is not a valid nonzero compact target")
        }
        try require(initial <= maximum, "initialBits", "must not be easier than maxTargetBits")
        try require((1...Limits.maxBlockSize).contains(maxBlockSize), "maxBlockSize",
                    "must be 1 to \(Limits.maxBlockSize) bytes")
        try require((1...Limits.maxBlockTransactions).contains(maxBlockTransactions), "maxBlockTransactions",
                    "must be 1 to \(Limits.maxBlockTransactions)")
        try require(maxFutureDrift <= 86_400, "maxFutureDrift", "must be at most 86400 seconds")
        try require((1...1_000).contains(medianTimeSpan), "medianTimeSpan", "must be 1 to 1000 blocks")
        try require(coinbaseMaturity <= 10_000, "coinbaseMaturity", "must be at most 10000 blocks")
    }
}

extension ChainSpecError {
    /// One line about why the JSON did not decode, naming the field.
    init(decoding error: any Error) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty ? "body" : keys.map(\.stringValue).joined(separator: ".")
        }
        switch error as? DecodingError {
        case let .keyNotFound(key, ctx)?:
            self.init(field: path(ctx.codingPath + [key]), reason: "missing")
        case let .valueNotFound(_, ctx)?:
            self.init(field: path(ctx.codingPath), reason: "missing value")
        case let .typeMismatch(type, ctx)?:
            self.init(field: path(ctx.codingPath), reason: "expected \(type)")
        case let .dataCorrupted(ctx)?:
            self.init(field: path(ctx.codingPath),
                      reason: ctx.codingPath.isEmpty ? "not valid JSON" : ctx.debugDescription)
        default:
            self.init(field: "body", reason: "not a valid chain spec")
        }
    }
}
