"""Offline signing: the application holds no private key; every digest is signed elsewhere.

The gateway is created without a signer.  Each step -- proposal, transaction, commit status request --
gives ``bytes`` (to keep or ship) and a ``digest`` (to sign); the signature comes back from the signing host
(an HSM, a signing service, an air-gapped machine) and ``new_signed_*`` rebuilds the step from the two.

docs-example: live
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, decode_dss_signature, encode_dss_signature

from ipledger.credentials import ConnectionProfile, Identity
from ipledger.gateway import Gateway, NoSignerError

PROFILES = Path(os.environ.get("IPLEDGER_PROFILES", "network/generated/profiles"))
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def signing_host(key_file: Path, digest: bytes) -> bytes:
    """What runs where the key is: ECDSA P-256 over the SHA-256 digest, DER-encoded, with a low S (Fabric's rule)."""
    key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    r, s = decode_dss_signature(key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256()))))
    return encode_dss_signature(r, min(s, P256_ORDER - s))


profile = ConnectionProfile.load(PROFILES / "JP.json")
user = profile.users["User1"]
identity = Identity(profile.msp_id, user.cert_path.read_bytes())  # the certificate only: no key here

with Gateway.connect(profile.gateway.endpoint, identity, tls_root_cert=profile.gateway.tls_root_cert(),
                     server_name=profile.gateway.server_name) as gateway:
    contract = gateway.get_network(profile.channel).get_contract(profile.chaincode)
    filing = json.dumps({"ipRight": "PATENT", "applicationNumber": f"JP 2025-{100000 + secrets.randbelow(900000)}",
                         "filingDate": "2025-06-27", "documentSha256": secrets.token_hex(32),
                         "documentFormat": "PDF"})

    unsigned = contract.new_proposal("DepositFirstFiling", [filing])
    try:
        unsigned.endorse()
    except NoSignerError as error:
        print("without a signature:", error.code)

    # 1. The proposal: sign its digest elsewhere, rebuild it from its bytes and the signature, endorse.
    proposal = gateway.new_signed_proposal(unsigned.bytes, signing_host(user.key_path, unsigned.digest))
    unsigned_transaction = proposal.endorse()

    # 2. The endorsed transaction: same again, then send it to the orderers.
    transaction = gateway.new_signed_transaction(
        unsigned_transaction.bytes, signing_host(user.key_path, unsigned_transaction.digest))
    submitted = transaction.submit()

    # 3. The commit status request is signed too.
    commit = gateway.new_signed_commit(submitted.bytes, signing_host(user.key_path, submitted.digest))
    status = commit.status()
    print("committed:", status.code_name, json.loads(transaction.result)["id"])

    # An evaluate needs only the proposal signed.
    query = contract.new_proposal("GetOffice", ["JP"])
    answer = gateway.new_signed_proposal(query.bytes, signing_host(user.key_path, query.digest)).evaluate()
    print("evaluated:", json.loads(answer)["officeCode"])
