import ObolNode
