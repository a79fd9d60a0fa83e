@_exported import ObolCore
@_exported import ObolNode
@_exported import ObolAPI
@_exported import ObolStore
