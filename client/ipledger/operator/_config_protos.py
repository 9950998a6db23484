"""The generated protobuf modules the channel-configuration code uses, typed ``Any`` (they ship no stubs)."""

from __future__ import annotations

from typing import Any

from fabric_protos.common import common_pb2 as _common_pb2
from fabric_protos.common import configtx_pb2 as _configtx_pb2
from fabric_protos.msp import identities_pb2 as _identities_pb2
from fabric_protos.orderer import ab_pb2 as _ab_pb2
from fabric_protos.orderer import ab_pb2_grpc as _ab_pb2_grpc

ab_pb2: Any = _ab_pb2
ab_pb2_grpc: Any = _ab_pb2_grpc
common_pb2: Any = _common_pb2
configtx_pb2: Any = _configtx_pb2
identities_pb2: Any = _identities_pb2
