"""Per-invocation state: who is acting (office, user), output mode, and lazy connections.

Nothing connects until a command asks for it, so ``--help`` and input
validation never touch the network.  Tests inject ``ledger_factory`` and
``reader_factory`` to run commands against fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import click

from ipledger.domain.priority_ledger import PriorityLedger
from ipledger.credentials.connection_profile import load_profile
from ipledger.credentials.ca import CAClient
from ipledger.errors import ConfigurationError
from ipledger.gateway import LedgerReader
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.credentials.wallet import FileWallet

from .output import json_text
from .progress import spinner

__all__ = ["Session", "pass_session"]


@dataclass
class Session:
    office: str | None = None
    profile_path: Path | None = None
    user: str = "User1"
    json_output: bool = False
    connect_timeout: float = 10.0
    ledger_factory: Callable[[Session], PriorityLedger] | None = None
    reader_factory: Callable[[Session], LedgerReader] | None = None
    _profile: ConnectionProfile | None = field(default=None, init=False, repr=False)
    _ledger: PriorityLedger | None = field(default=None, init=False, repr=False)

    # -- identity ------------------------------------------------------------------

    def profile(self) -> ConnectionProfile:
        """The connection profile chosen by ``--profile`` or ``--office`` (loaded once)."""
        if self._profile is None:
            if self.profile_path is not None:
                self._profile = load_profile(self.profile_path)
            elif self.office is not None:
                self._profile = load_profile(self.office)
            else:
                raise click.UsageError(
                    "choose the acting office with --office CODE (or --profile PATH, or $IPLEDGER_OFFICE)")
        return self._profile

    def wallet(self) -> FileWallet:
        wallet = self.profile().wallet()
        if wallet is None:
            raise ConfigurationError(f"profile {self.profile().path} names no walletPath")
        return wallet

    def wallet_dir(self) -> Path:
        profile = self.profile()
        return profile.wallet_path if profile.wallet_path is not None else profile.path.parent / "wallets"

    def ca_client(self) -> CAClient:
        profile = self.profile()
        if profile.ca is None:
            raise ConfigurationError(f"profile {profile.path} has no Fabric CA")
        return CAClient.from_profile(profile.ca)

    # -- connections -------------------------------------------------------------------

    def ledger(self) -> PriorityLedger:
        """The domain API, connected on first use."""
        if self._ledger is None:
            if self.ledger_factory is not None:
                self._ledger = self.ledger_factory(self)
            else:
                with self.busy(f"connecting as {self.user} of {self.profile().office}"):
                    self._ledger = PriorityLedger.connect(self.profile(), self.user,
                                                          connect_timeout=self.connect_timeout)
        return self._ledger

    def ledger_reader(self) -> LedgerReader:
        """qscc queries (blocks, transactions, height) on the office's channel."""
        if self.reader_factory is not None:
            return self.reader_factory(self)
        ledger = self.ledger()
        if ledger.gateway is None:
            raise ConfigurationError("this session's ledger has no gateway to read blocks through")
        return LedgerReader(ledger.gateway.get_network(self.profile().channel))

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None

    # -- output ---------------------------------------------------------------------------

    @contextmanager
    def busy(self, message: str) -> Iterator[None]:
        """A spinner on stderr (terminal only) while something slow runs."""
        with spinner(message):
            yield

    def emit(self, value: object, text: Callable[[], str]) -> None:
        """Print ``value`` as JSON with ``--json``, else the human-readable ``text()``."""
        click.echo(json_text(value) if self.json_output else text())

    def note(self, message: str) -> None:
        """A remark for people on stderr (never mixed into ``--json`` output)."""
        click.echo(message, err=True)


pass_session = click.make_pass_decorator(Session)
