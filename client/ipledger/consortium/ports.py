"""Where each node of an office listens on the host.

Every office owns a block of ports starting at its base (7000, 8000, ... by default); inside the block the
offsets follow Fabric's customary numbers so that an operator recognises them (x050 orderer, x051 peer0).
"""

from __future__ import annotations

ORDERER = 50
ORDERER_OPS = 52
ORDERER_ADMIN = 53
CA = 54
CA_OPS = 55
PEER = 51
PEER_OPS = 56
LIBRARY = 57
PEER_STRIDE = 10  # peer1 listens on x061, peer2 on x071


def office_ports(base: int, peers: int) -> dict[str, int]:
    """Map each published role of an office ("peer0", "peer0-operations", ...) to its host port."""
    ports = {
        "orderer": base + ORDERER,
        "orderer-operations": base + ORDERER_OPS,
        "orderer-admin": base + ORDERER_ADMIN,
        "ca": base + CA,
        "ca-operations": base + CA_OPS,
        "library": base + LIBRARY,
    }
    for k in range(peers):
        ports[f"peer{k}"] = base + PEER + k * PEER_STRIDE
        ports[f"peer{k}-operations"] = base + PEER_OPS + k * PEER_STRIDE
    return ports
