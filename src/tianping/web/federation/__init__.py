"""Federation: risk reports and early warnings crossing between Tianping instances.

A province (or any tier) may run its own instance. Each instance has a federation
key (the core key service's ``federation`` purpose, never a ledger key) and a list of
peers its administrators configured: the peer's name, address, public key(s) and the
local organisation that stands in for the peer's jurisdiction in this instance's tree.
A report assigned to a stand-in, or a warning whose subtree holds one, is put in an
outbox and delivered to the peer as a signed message over HTTPS, retried with back-off
until the peer accepts it; the peer applies each message once (idempotent on its id).
"""
