"""A custom signer, such as an HSM adapter: any callable that turns a digest into a signature.

``Signer`` is a protocol (``digest -> signature``), so nothing needs subclassing; the key stays wherever the
callable reaches it.  Here the "HSM" is a key object held by the adapter -- replace ``_sign`` with your
PKCS#11 or signing-service call.  ECDSA signatures must be DER with a low S: ``canonical_ecdsa_signature``
turns what most HSMs return into what Fabric's peers accept.

docs-example: live
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from ipledger.credentials import ConnectionProfile, Hash, Identity, Signer, canonical_ecdsa_signature
from ipledger.gateway import Gateway

PROFILES = Path(os.environ.get("IPLEDGER_PROFILES", "network/generated/profiles"))
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


class HsmSigner:
    """Signs with a key the application never sees (here: a key object standing in for an HSM slot)."""

    def __init__(self, key: ec.EllipticCurvePrivateKey) -> None:
        self._key = key
        self.signatures = 0

    def _sign(self, digest: bytes) -> bytes:
        return self._key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256())))

    def __call__(self, digest: bytes) -> bytes:
        self.signatures += 1
        return canonical_ecdsa_signature(self._sign(digest), P256_ORDER)


profile = ConnectionProfile.load(PROFILES / "JP.json")
user = profile.users["User1"]
key = serialization.load_pem_private_key(user.key_path.read_bytes(), password=None)
assert isinstance(key, ec.EllipticCurvePrivateKey)
signer = HsmSigner(key)
assert isinstance(signer, Signer)

with Gateway.connect(profile.gateway.endpoint, Identity(profile.msp_id, user.cert_path.read_bytes()), signer,
                     hash=Hash.SHA256, tls_root_cert=profile.gateway.tls_root_cert(),
                     server_name=profile.gateway.server_name, connect_timeout=10.0) as gateway:
    contract = gateway.get_network(profile.channel).get_contract(profile.chaincode)
    office = json.loads(contract.evaluate_transaction("GetOffice", "JP"))
    print(office["officeCode"], "answered; signatures made by the HSM:", signer.signatures)
