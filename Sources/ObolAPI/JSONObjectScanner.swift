/// A strict reader of a request body that must be one JSON object (RFC 8259): it keeps each member's
/// name and what kind of value it has, with the raw text of numbers, so that the API can tell `100`
/// from `100.0` or `1e2`, refuse fields the specification does not list, and name the field in every
/// error. Nested values are checked for syntax only (at most 32 levels deep).
struct JSONObjectScanner {
    /// The kind of a member's value; numbers keep their text as written.
    enum Value: Equatable {
        case string(String)
        case number(String)
        case bool(Bool)
        case null
        case array
        case object
    }

    /// Why a body is not a JSON object: a one-line message.
    struct Failure: Error, Equatable {
        var message: String
    }

    private let bytes: [UInt8]
    private var index = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The members of the object `bytes` holds, in order; a name given twice is refused.
    static func members(of bytes: [UInt8]) throws(Failure) -> [(name: String, value: Value)] {
        var scanner = JSONObjectScanner(bytes)
        scanner.skipWhitespace()
        guard scanner.peek == UInt8(ascii: "{") else {
            guard scanner.peek != nil else { throw Failure(message: "body: expected a JSON object, got nothing") }
            let kind = (try? scanner.value(depth: 0)).map(Self.describe) ?? "malformed JSON"
            throw Failure(message: "body: expected a JSON object, got \(kind)")
        }
        let members = try scanner.object()
        scanner.skipWhitespace()
        guard scanner.peek == nil else { throw scanner.malformed("unexpected text after the object") }
        return members
    }

    /// "a string", "a number", … for messages.
    static func describe(_ value: Value) -> String {
        switch value {
        case .string: "a string"
        case .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    }

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func malformed(_ what: String) -> Failure {
        Failure(message: "malformed JSON at byte \(index): \(what)")
    }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws(Failure) {
        skipWhitespace()
        guard peek == byte else { throw malformed("expected '\(Character(Unicode.Scalar(byte)))'") }
        index += 1
    }

    private mutating func object() throws(Failure) -> [(name: String, value: Value)] {
        try expect(UInt8(ascii: "{"))
        var members: [(name: String, value: Value)] = []
        skipWhitespace()
        if peek == UInt8(ascii: "}") { index += 1; return members }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else { throw malformed("expected a field name") }
            let name = try string()
            guard !members.contains(where: { $0.name == name }) else {
                throw Failure(message: "\(RequestParsing.clip(name)): given twice")
            }
            try expect(UInt8(ascii: ":"))
            members.append((name, try value(depth: 1)))
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return members
            default: throw malformed("expected ',' or '}'")
            }
        }
    }

    private mutating func value(depth: Int) throws(Failure) -> Value {
        guard depth <= 32 else { throw malformed("nested too deeply") }
        skipWhitespace()
        switch peek {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            index += 1
            skipWhitespace()
            if peek == UInt8(ascii: "}") { index += 1; return .object }
            while true {
                skipWhitespace()
                guard peek == UInt8(ascii: "\"") else { throw malformed("expected a field name") }
                _ = try string()
                try expect(UInt8(ascii: ":"))
                _ = try value(depth: depth + 1)
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"): index += 1; return .object
                default: throw malformed("expected ',' or '}'")
                }
            }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if peek == UInt8(ascii: "]") { index += 1; return .array }
            while true {
                _ = try value(depth: depth + 1)
                skipWhitespace()
                switch peek {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"): index += 1; return .array
                default: throw malformed("expected ',' or ']'")
                }
            }
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case let byte? where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
            return .number(try number())
        default:
            throw malformed(peek == nil ? "unexpected end" : "unexpected character")
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        for byte in word.utf8 {
            guard peek == byte else { throw malformed("unexpected character") }
            index += 1
        }
    }

    private mutating func digits() -> Int {
        let start = index
        while let byte = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        return index - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, returned as written.
    private mutating func number() throws(Failure) -> String {
        let start = index
        if peek == UInt8(ascii: "-") { index += 1 }
        if peek == UInt8(ascii: "0") {
            index += 1
        } else {
            guard digits() > 0 else { throw malformed("malformed number") }
        }
        if peek == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw malformed("malformed number") }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            index += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw malformed("malformed number") }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek, let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                throw malformed("malformed \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func string() throws(Failure) -> String {
        index += 1  // the opening quote
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll(keepingCapacity: true)
        }
        while true {
            guard let byte = peek else { throw malformed("unterminated string") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard let escape = peek else { throw malformed("unterminated string") }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): run.append(escape)
                case UInt8(ascii: "b"): run.append(0x08)
                case UInt8(ascii: "f"): run.append(0x0C)
                case UInt8(ascii: "n"): run.append(0x0A)
                case UInt8(ascii: "r"): run.append(0x0D)
                case UInt8(ascii: "t"): run.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), peek == UInt8(ascii: "\\"),
                       index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw malformed("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw malformed("unpaired surrogate") }
                    scalars.append(scalar)
                default:
                    throw malformed("unknown escape")
                }
            case 0x00..<0x20:
                throw malformed("control character in a string")
            default:
                run.append(byte)
            }
        }
    }
}
