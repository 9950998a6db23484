"""An office's administrator acting on its own nodes with Fabric's ``peer`` and ``osnadmin`` commands.

Both programs run on the host and reach the nodes on their published loopback ports; the node TLS
certificates name the loopback address, so no host-name override is needed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ipledger.consortium.plan import ConsortiumPlan, OfficePlan, PeerPlan
from ipledger.operator.errors import OperatorError
from ipledger.operator.run import run
from ipledger.operator.toolchain import Toolchain


@dataclass(frozen=True)
class OfficeAdmin:
    plan: ConsortiumPlan
    office: OfficePlan
    toolchain: Toolchain

    @property
    def crypto(self) -> Path:
        return self.plan.crypto_dir(self.office)

    @property
    def tls_ca(self) -> Path:
        return self.crypto / "tlsca" / "tlsca-cert.pem"

    @property
    def admin_dir(self) -> Path:
        return self.crypto / "users" / f"Admin@{self.office.domain}"

    def peer_env(self, peer: PeerPlan | None = None) -> dict[str, str]:
        peer = peer or self.office.peers[0]
        env = {
            "FABRIC_CFG_PATH": str(self.toolchain.fabric_config),
            "FABRIC_LOGGING_SPEC": "WARNING",
            "CORE_PEER_TLS_ENABLED": "true",
            "CORE_PEER_LOCALMSPID": self.office.msp_id,
            "CORE_PEER_MSPCONFIGPATH": str(self.admin_dir / "msp"),
            "CORE_PEER_TLS_ROOTCERT_FILE": str(self.tls_ca),
            "CORE_PEER_ADDRESS": f"{peer.host_ip}:{peer.port}",
        }
        if self.plan.spec.mutual_tls:
            env.update({
                "CORE_PEER_TLS_CLIENTAUTHREQUIRED": "true",
                "CORE_PEER_TLS_CLIENTCERT_FILE": str(self.admin_dir / "tls" / "client.crt"),
                "CORE_PEER_TLS_CLIENTKEY_FILE": str(self.admin_dir / "tls" / "client.key"),
            })
        return env

    def peer(self, *args: str, peer: PeerPlan | None = None, timeout: float = 120) -> str:
        return run([str(self.toolchain.fabric("peer")), *args], env=self.peer_env(peer), timeout=timeout)

    def orderer_args(self, via: OfficePlan | None = None) -> list[str]:
        """The peer CLI's orderer options: the office's own orderer, or ``via``'s (its TLS root from the
        members' roots)."""
        target = via or self.office
        cafile = self.tls_ca if via is None else self.plan.tls_root_file(via.slug)
        args = ["-o", f"{target.host_ip}:{target.orderer.port}", "--tls", "--cafile", str(cafile)]
        if self.plan.spec.mutual_tls:
            args += ["--clientauth", "--certfile", str(self.admin_dir / "tls" / "client.crt"),
                     "--keyfile", str(self.admin_dir / "tls" / "client.key")]
        return args

    # Channel participation (orderer) ---------------------------------------------------------------------
    def osnadmin(self, *args: str) -> str:
        return run([
            str(self.toolchain.fabric("osnadmin")), *args,
            "-o", f"{self.office.host_ip}:{self.office.orderer.admin_port}",
            "--ca-file", str(self.tls_ca),
            "--client-cert", str(self.admin_dir / "admin-tls" / "client.crt"),
            "--client-key", str(self.admin_dir / "admin-tls" / "client.key"),
        ], timeout=60)

    def orderer_channel_info(self) -> dict[str, object] | None:
        """The orderer's view of the channel (height, consensus relation, status), None when not joined."""
        out = self.osnadmin("channel", "list", "--channelID", self.plan.channel)
        if _status(out) == 404:
            return None
        if _status(out) != 200:
            raise OperatorError(f"{self.office.orderer.host}: channel participation API answered: {out.strip()}")
        return _json_after_status(out)

    def join_orderer(self, block: Path) -> bool:
        if self.orderer_channel_info() is not None:
            return False
        out = self.osnadmin("channel", "join", "--channelID", self.plan.channel, "--config-block", str(block))
        if _status(out) != 201:
            raise OperatorError(f"{self.office.orderer.host} refused to join {self.plan.channel}: {out.strip()}")
        return True

    # Peers -----------------------------------------------------------------------------------------------
    def peer_channels(self, peer: PeerPlan) -> list[str]:
        # The channel names follow the line "Channels peers has joined:".
        _, _, names = self.peer("channel", "list", peer=peer).partition("Channels peers has joined:")
        return [line.strip() for line in names.splitlines() if line.strip()]

    def join_peer(self, peer: PeerPlan, block: Path) -> bool:
        if self.plan.channel in self.peer_channels(peer):
            return False
        self.peer("channel", "join", "-b", str(block), peer=peer)
        return True

    def peer_height(self, peer: PeerPlan) -> int:
        out = self.peer("channel", "getinfo", "-c", self.plan.channel, peer=peer)
        info = json.loads(out[out.index("{"):])
        return int(info.get("height", 0))


def _status(out: str) -> int:
    """osnadmin prints `Status: <HTTP code>` first and exits 0 even on errors."""
    for line in out.splitlines():
        if line.startswith("Status:"):
            return int(line.split(":", 1)[1].strip())
    return 0


def _json_after_status(out: str) -> dict[str, object]:
    """osnadmin prints `Status: 200` then a JSON body."""
    start = out.find("{")
    return dict(json.loads(out[start:])) if start >= 0 else {}
