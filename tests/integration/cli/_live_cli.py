"""Helpers of the live CLI tests: run ``ipledger`` against the running network and read its ``--json`` output.

Commands run in-process through click's CliRunner (``Cli``) with ``IPLEDGER_PROFILES`` pointing at the session's
profiles, or as a real process of the console script (``run_console``) where the exit code as a shell sees it
matters.  Every record a test writes gets a random application number, so the tests can run again and again on
the same ledger, next to other engineers' tests.

Each office reads through its own peer, and a peer may not yet have committed the block another office's
command just waited for; ``Peers.settle`` waits (on the peers' block streams, without sleeping) until every peer
has what any of them has, before one office reads what another wrote.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from click.testing import CliRunner, Result

from _live_blocks import wait_for_block
from ipledger.cli.exit_codes import ExitCode
from ipledger.cli.main import cli
from ipledger.domain._codec import camel_case
from ipledger.domain.events import EVENT_TYPES, LedgerEvent
from ipledger.domain.models import Page, Record
from ipledger.gateway import Gateway, LedgerReader, Network

OFFICES = ("JP", "US", "EP", "KR")

#: Attempts for a write that other engineers' concurrent updates may invalidate (MVCC_READ_CONFLICT).
CONFLICT_ATTEMPTS = 3

R = TypeVar("R", bound=Record)


# -- random test data -------------------------------------------------------------------------------------------


def random_digits(count: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(count))


def random_past_date() -> date:
    """A random day between 1990 and 2019, so a date filter finds (practically) only this test's records."""
    return date(1990, 1, 1) + timedelta(days=secrets.randbelow(30 * 365))


def write_document(directory: Path, label: str) -> Path:
    """A fresh "priority document" with random content (so its SHA-256 is unique)."""
    path = directory / f"{label}-{secrets.token_hex(4)}.pdf"
    path.write_bytes(b"%PDF-1.7 ipledger CLI live test " + label.encode() + b" " + secrets.token_bytes(32))
    return path


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def day(value: date) -> str:
    return value.isoformat()


# -- running the CLI --------------------------------------------------------------------------------------------


def cli_environment(profiles_dir: Path) -> dict[str, str | None]:
    """Only the profiles directory comes from the test; defaults from the caller's shell are removed."""
    return {"IPLEDGER_PROFILES": str(profiles_dir), "IPLEDGER_OFFICE": None, "IPLEDGER_PROFILE": None,
            "IPLEDGER_USER": None}


def describe(result: Result) -> str:
    """Everything worth seeing when a command did not end as expected."""
    text = f"exit code {result.exit_code}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        text += "\n--- exception\n" + "".join(traceback.format_exception(*result.exc_info))  # type: ignore[misc]
    return text


def error_line(result: Result) -> str:
    """The single ``Error: ...`` line a failed command prints on stderr."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error: ")]
    assert len(errors) == 1, describe(result)
    return errors[0]


class Cli:
    """``ipledger`` in-process, acting as one office of the live network."""

    def __init__(self, profiles_dir: Path) -> None:
        self.profiles_dir = profiles_dir
        self.runner = CliRunner()

    def run(self, office: str | None, *args: str, user: str | None = None, json_output: bool = False,
            profiles_dir: Path | None = None, input: str | None = None) -> Result:
        argv: list[str] = []
        if office is not None:
            argv += ["--office", office]
        if user is not None:
            argv += ["--user", user]
        if json_output:
            argv.append("--json")
        argv += list(args)
        return self.runner.invoke(cli, argv, env=cli_environment(profiles_dir or self.profiles_dir), input=input,
                                  prog_name="ipledger")

    def json(self, office: str | None, *args: str, **options: Any) -> Any:
        """Run with ``--json``; the command must succeed and print exactly one JSON document."""
        result = self.run(office, *args, json_output=True, **options)
        assert result.exit_code == 0, describe(result)
        return json.loads(result.stdout)

    def fails(self, exit_code: ExitCode, office: str | None, *args: str, **options: Any) -> Result:
        """Run; the command must fail with ``exit_code`` and one ``Error:`` line on stderr."""
        result = self.run(office, *args, **options)
        assert result.exit_code == exit_code, describe(result)
        error_line(result)
        return result

    def write(self, office: str, *args: str, **options: Any) -> Any:
        """A ``--json`` write, repeated when someone else's concurrent update invalidated it (nothing written)."""
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            result = self.run(office, *args, json_output=True, **options)
            if (result.exit_code == ExitCode.CONFLICT and "MVCC_READ_CONFLICT" in result.stderr
                    and attempt < CONFLICT_ATTEMPTS):
                continue
            assert result.exit_code == 0, describe(result)
            return json.loads(result.stdout)
        raise AssertionError("unreachable")


def console_script() -> list[str]:
    """The installed ``ipledger`` console script next to this interpreter (else ``python -m ipledger.cli``)."""
    script = Path(sys.executable).with_name("ipledger")
    return [str(script)] if script.exists() else [sys.executable, "-m", "ipledger.cli"]


def run_console(profiles_dir: Path, *args: str, env: Mapping[str, str] | None = None,
                timeout: float = 180.0) -> subprocess.CompletedProcess[str]:
    """``ipledger ARGS`` as a separate process; ``timeout`` is only a safety net against a hang."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("IPLEDGER_OFFICE", "IPLEDGER_PROFILE", "IPLEDGER_USER")}
    environment["IPLEDGER_PROFILES"] = str(profiles_dir)
    environment.update(env or {})
    return subprocess.run([*console_script(), *args], capture_output=True, text=True, env=environment,
                          timeout=timeout, check=False)


# -- first filings ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filing:
    """A first filing a test deposited through the CLI."""

    record: dict[str, Any]
    number: str
    document: Path

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @property
    def office(self) -> str:
        return str(self.record["officeCode"])

    @property
    def ip_right(self) -> str:
        return str(self.record["ipRight"])

    @property
    def filing_date(self) -> str:
        return str(self.record["filingDate"])


def deposit(cli: Cli, office: str, directory: Path, *, ip_right: str = "PATENT", filing_date: date | None = None,
            extra: Sequence[str] = ()) -> Filing:
    """``filings deposit`` of a fresh random number with ``--document``; retried on a write conflict."""
    filed = filing_date or date(2024, 6, 3)
    for attempt in range(1, CONFLICT_ATTEMPTS + 1):
        digits = random_digits(10)
        number = f"{office} {filed.year}-{digits}"
        document = write_document(directory, f"{office}-{digits}")
        result = cli.run(office, "filings", "deposit", "--ip-right", ip_right, "--number", number,
                         "--filing-date", day(filed), "--document", str(document), *extra, json_output=True)
        if (result.exit_code == ExitCode.CONFLICT and "MVCC_READ_CONFLICT" in result.stderr
                and attempt < CONFLICT_ATTEMPTS):
            continue
        assert result.exit_code == 0, describe(result)
        record = json.loads(result.stdout)
        assert record["id"] == f"{office}:{ip_right}:{filed.year}{digits}", record
        assert record["documentSha256"] == sha256_of(document)
        return Filing(record, number, document)
    raise AssertionError("unreachable")


# -- JSON output against the domain dataclasses --------------------------------------------------------------------


def json_names(cls: type) -> set[str]:
    """The JSON field names of a dataclass (its fields in camelCase, as the codec derives them)."""
    return {field.metadata.get("json", camel_case(field.name)) for field in fields(cls)}


def decoded(cls: type[R], document: Any) -> R:
    """``document`` read as ``cls``; it must have exactly the dataclass's fields and encode back to itself."""
    assert isinstance(document, dict), document
    assert set(document) == json_names(cls), f"{cls.__name__}: {sorted(document)} != {sorted(json_names(cls))}"
    record = cls.from_json(document)
    assert record.to_json() == document
    return record


def decoded_page(cls: type[R], document: Any) -> Page[R]:
    page = Page.from_json(document, cls)
    assert set(document) == {"records", "fetchedCount", "bookmark"}
    for item in document["records"]:
        decoded(cls, item)
    assert page.to_json() == document
    return page


def decoded_list(cls: type[R], document: Any) -> list[R]:
    assert isinstance(document, list), document
    return [decoded(cls, item) for item in document]


def decoded_event(document: Mapping[str, Any]) -> LedgerEvent:
    """A ``--json`` line of ``events watch`` as the typed event of its name; it must encode back to itself."""
    cls = EVENT_TYPES[str(document["name"])]
    event = cls(block_number=document["blockNumber"], transaction_id=document["transactionId"],
                record_type=document["recordType"], record_id=document["recordId"],
                office_code=document["officeCode"], subject_office=document["subjectOffice"],
                status=document["status"])
    assert event.to_json() == dict(document)
    return event


# -- peers in step --------------------------------------------------------------------------------------------------


class Peers:
    """One gateway per office (its own peer), to wait until every peer committed the newest block any has."""

    def __init__(self, profiles_dir: Path, channel: str) -> None:
        self._gateways: list[Gateway] = []
        self._networks: dict[str, Network] = {}
        try:
            for code in OFFICES:
                gateway = Gateway.from_profile(profiles_dir / f"{code}.json", user="User1")
                self._gateways.append(gateway)
                self._networks[code] = gateway.get_network(channel)
        except BaseException:
            self.close()
            raise

    def height(self, office: str) -> int:
        return LedgerReader(self._networks[office]).get_chain_info().height

    def settle(self) -> int:
        """Return once every office's peer has committed the newest block that one of them has; its number."""
        newest = max(self.height(code) for code in OFFICES) - 1
        for code in OFFICES:
            self._wait_for_block(code, newest)
        return newest

    def _wait_for_block(self, office: str, number: int) -> None:
        wait_for_block(self._networks[office], number, office)

    def close(self) -> None:
        for gateway in self._gateways:
            gateway.close()


# -- connection profiles for special cases ---------------------------------------------------------------------------


def copy_profile(source: Path, target_dir: Path, *, endpoint: str | None = None, ca_url: str | None = None,
                 wallet: Path | None = None) -> Path:
    """A copy of a connection profile in ``target_dir``, with absolute paths and optionally redirected.

    ``endpoint`` replaces the gateway's and peers' endpoints, ``ca_url`` the CA's, ``wallet`` the wallet path.
    """
    document = json.loads(source.read_text(encoding="utf-8"))
    base = source.parent.resolve()

    def absolute(value: str) -> str:
        return str((base / value).resolve())

    gateway = document["gateway"]
    gateway["tlsRootCertPath"] = absolute(gateway["tlsRootCertPath"])
    if endpoint is not None:
        gateway["endpoint"] = endpoint
    for peer in document.get("peers", []):
        peer["tlsRootCertPath"] = absolute(peer["tlsRootCertPath"])
        if endpoint is not None:
            peer["endpoint"] = endpoint
    if "ca" in document:
        document["ca"]["tlsRootCertPath"] = absolute(document["ca"]["tlsRootCertPath"])
        if ca_url is not None:
            document["ca"]["url"] = ca_url
    for library in document.get("libraries", {}).values():
        library["tlsRootCertPath"] = absolute(library["tlsRootCertPath"])
    for user in document.get("users", {}).values():
        for key, value in list(user.items()):
            user[key] = absolute(value)
    if wallet is not None:
        # A fresh wallet, holding only the office's CA registrar (enrolled there by `up`).
        registrar = (base / document["walletPath"]).resolve() / "registrar.id"
        if registrar.exists():
            wallet.mkdir(parents=True, exist_ok=True, mode=0o700)
            shutil.copy2(registrar, wallet / "registrar.id")
        document["walletPath"] = str(wallet)
    elif "walletPath" in document:
        document["walletPath"] = absolute(document["walletPath"])
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / source.name
    target.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return target
