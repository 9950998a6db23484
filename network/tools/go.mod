// Small static programs baked into ipledger's Fabric images: a health probe for the operations endpoints
// and the chaincode-as-a-service external builder.
module ipledger/network/tools

go 1.24
