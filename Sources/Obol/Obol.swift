@_exported import ObolCore
@_exported import ObolNode
@_exported import ObolAPI
@_exported import ObolStore
@_exported import ObolWire
@_exported import ObolP2P
@_exported import ObolTracker
