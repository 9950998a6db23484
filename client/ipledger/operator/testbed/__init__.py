"""A multi-host testbed in one machine (Docker engines in network namespaces on a private bridge)."""

from ipledger.operator.testbed.layout import HostLayout, TestbedError, TestbedLayout, layout
from ipledger.operator.testbed.testbed import Testbed, TestbedFigures, require_root

__all__ = ["HostLayout", "Testbed", "TestbedError", "TestbedFigures", "TestbedLayout", "layout", "require_root"]
