"""``ipledger network ...``: the operator's click commands over the plain-Python :mod:`ipledger.operator`.

:mod:`.commands` holds the group and its lifecycle commands; offices' membership (:mod:`.office`), channel
configuration updates (:mod:`.config`), certificates, snapshots and added peers (:mod:`.nodes`) and an office's own swarm (:mod:`.swarm`) are added
here.
"""

from __future__ import annotations

from . import nodes
from .commands import network
from .config import config, revoke
from .office import office
from .swarm import swarm

__all__ = ["main", "network"]

for _command in (office, config, revoke, swarm, *nodes.COMMANDS):
    network.add_command(_command)


def main() -> None:
    network(prog_name="ipledger network")
