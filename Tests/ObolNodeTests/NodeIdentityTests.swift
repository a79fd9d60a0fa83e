import Foundation
@testable import ObolNode
import Testing

@Suite(.timeLimit(.minutes(1))) struct NodeIdentityTests {
    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("obol-identity-\(UUID().uuidString)").path
    }

    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    @Test func createsAKeyFileOf32BytesWithMode0600() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let identity = try NodeIdentity.loadOrCreate(inDataDirectory: dir)
        let path = dir + "/node.key"
        #expect(try mode(path) == 0o600)
        #expect(FileManager.default.contents(atPath: path)?.count == 32)
        #expect(identity.publicKey.count == 32)
        #expect(identity.nodeID.count == 64)
        #expect(identity.nodeID.allSatisfy { "0123456789abcdef".contains($0) })
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["node.key"])
    }

    @Test func reloadingGivesTheSameNodeID() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try NodeIdentity.loadOrCreate(inDataDirectory: dir)
        let second = try NodeIdentity.loadOrCreate(inDataDirectory: dir)
        let loaded = try NodeIdentity.load(from: dir + "/node.key")
        #expect(second.nodeID == first.nodeID)
        #expect(loaded.publicKey == first.publicKey)
        #expect(loaded.keyPair.privateKeyBytes == first.keyPair.privateKeyBytes)
    }

    @Test func twoDataDirectoriesHaveDifferentNodeIDs() throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: a)
            try? FileManager.default.removeItem(atPath: b)
        }
        #expect(try NodeIdentity.loadOrCreate(inDataDirectory: a).nodeID
            != NodeIdentity.loadOrCreate(inDataDirectory: b).nodeID)
    }

    @Test(arguments: [0, 31, 33, 64]) func aFileOfTheWrongLengthIsRefusedClearly(length: Int) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try NodeIdentity.loadOrCreate(inDataDirectory: dir)
        let path = dir + "/node.key"
        try Data(repeating: 0x5a, count: length).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let error = #expect(throws: NodeIdentityError.self) { try NodeIdentity.loadOrCreate(inDataDirectory: dir) }
        #expect(error?.code == .invalidLength)
        #expect(error?.message.contains("holds \(length) bytes") == true)
        #expect(error?.message.contains(path) == true)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660]) func aFileOthersCanReadIsRefused(permissions: Int) throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try NodeIdentity.loadOrCreate(inDataDirectory: dir)
        let path = dir + "/node.key"
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)
        let error = #expect(throws: NodeIdentityError.self) { try NodeIdentity.load(from: path) }
        #expect(error?.code == .permissions)
        #expect(error?.message.contains("chmod 600") == true)
    }

    @Test func loadingAMissingFileSaysSo() throws {
        let error = #expect(throws: NodeIdentityError.self) {
            try NodeIdentity.load(from: temporaryDirectory() + "/node.key")
        }
        #expect(error?.code == .missing)
    }

    @Test func creationNeverOverwritesAnExistingFile() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try NodeIdentity.loadOrCreate(inDataDirectory: dir)
        let error = #expect(throws: NodeIdentityError.self) {
            try NodeIdentity.writeNew([UInt8](repeating: 1, count: 32), at: dir + "/node.key")
        }
        #expect(error?.code == .exists)
        #expect(try NodeIdentity.load(from: dir + "/node.key").nodeID == first.nodeID)
    }
}
