// Package fabric is a minimal Fabric Gateway client: it signs chaincode proposals with an X.509 identity and
// evaluates them on one peer's gateway service. The library only reads the ledger, so there is no endorse,
// submit or commit-status support here; the full client lives in the Python package.
package fabric
