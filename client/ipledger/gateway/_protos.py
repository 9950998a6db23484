"""The one place that imports generated protobuf modules.

``fabric_protos`` ships ``py.typed`` but no stubs, so mypy sees modules whose
messages are created at run time and reports every attribute as missing.
Importing them here once and re-binding them as ``Any`` keeps that noise out of
the rest of the package, and gives a single spot to revisit if stubs appear.
"""

from __future__ import annotations

from typing import Any

from fabric_protos.common import common_pb2 as _common_pb2
from fabric_protos.common import ledger_pb2 as _ledger_pb2
from fabric_protos.gateway import gateway_pb2 as _gateway_pb2
from fabric_protos.gateway import gateway_pb2_grpc as _gateway_pb2_grpc
from fabric_protos.msp import identities_pb2 as _identities_pb2
from fabric_protos.orderer import ab_pb2 as _ab_pb2
from fabric_protos.peer import chaincode_event_pb2 as _chaincode_event_pb2
from fabric_protos.peer import chaincode_pb2 as _chaincode_pb2
from fabric_protos.peer import events_pb2 as _events_pb2
from fabric_protos.peer import events_pb2_grpc as _events_pb2_grpc
from fabric_protos.peer import proposal_pb2 as _proposal_pb2
from fabric_protos.peer import proposal_response_pb2 as _proposal_response_pb2
from fabric_protos.peer import transaction_pb2 as _transaction_pb2
from google.protobuf import empty_pb2 as _empty_pb2  # type: ignore[import-untyped, unused-ignore]
from google.protobuf import timestamp_pb2 as _timestamp_pb2  # type: ignore[import-untyped, unused-ignore]
from google.protobuf import unknown_fields as _unknown_fields  # type: ignore[import-untyped, unused-ignore]
from google.protobuf.message import DecodeError as _DecodeError  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "DecodeError",
    "Message",
    "ab_pb2",
    "chaincode_event_pb2",
    "chaincode_pb2",
    "common_pb2",
    "empty_pb2",
    "events_pb2",
    "events_pb2_grpc",
    "gateway_pb2",
    "gateway_pb2_grpc",
    "identities_pb2",
    "ledger_pb2",
    "proposal_pb2",
    "proposal_response_pb2",
    "timestamp_pb2",
    "transaction_pb2",
    "unknown_fields",
]

#: Any generated protobuf message; the generated code has no static types.
Message = Any

#: Raised by ``FromString`` on malformed bytes.
DecodeError: type[Exception] = _DecodeError

ab_pb2: Any = _ab_pb2
chaincode_event_pb2: Any = _chaincode_event_pb2
chaincode_pb2: Any = _chaincode_pb2
common_pb2: Any = _common_pb2
empty_pb2: Any = _empty_pb2
events_pb2: Any = _events_pb2
events_pb2_grpc: Any = _events_pb2_grpc
gateway_pb2: Any = _gateway_pb2
gateway_pb2_grpc: Any = _gateway_pb2_grpc
identities_pb2: Any = _identities_pb2
ledger_pb2: Any = _ledger_pb2
proposal_pb2: Any = _proposal_pb2
proposal_response_pb2: Any = _proposal_response_pb2
timestamp_pb2: Any = _timestamp_pb2
transaction_pb2: Any = _transaction_pb2
unknown_fields: Any = _unknown_fields
