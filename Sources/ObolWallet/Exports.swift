// NodeClient's methods return the API's JSON models, so users of the wallet
// library get them with it.
@_exported import ObolAPIModels
