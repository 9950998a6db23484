// Package library is an office's digital library: it keeps the office's priority documents by SHA-256 and
// hands them to other member offices over mutual TLS, but only while the ledger says so — a pending
// retrieval by the caller's office, an active grant and a filing that is not withdrawn, all read from the
// office's own peer at request time. The documents themselves never touch the ledger.
package library
