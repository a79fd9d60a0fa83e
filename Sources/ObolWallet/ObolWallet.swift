import ObolCore
