"""pip-audit of the locked Python dependencies, run only where a vulnerability service answers with real data.

PyPI's JSON API carries the advisories pip-audit reads, and OSV's API is the alternative; on our machines the first
answers without vulnerability data (a mirror) and the second does not answer at all. A service counts as answering
only when it reports the known advisories of a canary release (Jinja2 2.4.1), so an empty mirror cannot pass the
check silently: then the result says plainly that nothing was checked.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ipledger.operator.progress import Progress
from ipledger.operator.run import run
from ipledger.operator.supply.pins import PIP_AUDIT_VERSION
from ipledger.operator.supply.venvs import ensure_tool_venv

CANARY = ("jinja2", "2.4.1")  # has several published advisories in both services
TIMEOUT = 6.0


@dataclass(frozen=True)
class Service:
    name: str  # pip-audit's -s value
    answers: bool
    detail: str


def _fetch(request: urllib.request.Request) -> object:
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return json.loads(response.read())


def probe_pypi() -> Service:
    name, version = CANARY
    try:
        data = _fetch(urllib.request.Request(f"https://pypi.org/pypi/{name}/{version}/json"))
    except (OSError, ValueError) as exc:
        return Service("pypi", False, f"pypi.org JSON API: {exc}")
    vulns = data.get("vulnerabilities") if isinstance(data, dict) else None
    if not vulns:
        return Service("pypi", False, f"pypi.org JSON API answers but lists no vulnerabilities for {name} {version}"
                                      " (no advisory data here)")
    return Service("pypi", True, f"pypi.org lists {len(vulns)} advisories for the canary {name} {version}")


def probe_osv() -> Service:
    name, version = CANARY
    body = json.dumps({"package": {"name": name, "ecosystem": "PyPI"}, "version": version}).encode()
    request = urllib.request.Request("https://api.osv.dev/v1/query", data=body,
                                     headers={"Content-Type": "application/json"})
    try:
        data = _fetch(request)
    except (OSError, ValueError) as exc:
        return Service("osv", False, f"api.osv.dev: {exc}")
    vulns = data.get("vulns") if isinstance(data, dict) else None
    if not vulns:
        return Service("osv", False, f"api.osv.dev answers but lists no vulnerabilities for {name} {version}")
    return Service("osv", True, f"api.osv.dev lists {len(vulns)} advisories for the canary {name} {version}")


def ensure_pip_audit(cache: Path, progress: Progress) -> Path:
    return ensure_tool_venv(cache, "pip-audit", PIP_AUDIT_VERSION, progress) / "pip-audit"


def audit(pip_audit: Path, lock: Path, service: Service) -> tuple[bool, str]:
    """(no known vulnerabilities, pip-audit's report) for the locked requirements."""
    argv = [str(pip_audit), "--requirement", str(lock), "--require-hashes", "--disable-pip", "--no-deps",
            "--vulnerability-service", service.name, "--progress-spinner", "off"]
    output = run(argv, check=False)
    return ("No known vulnerabilities found" in output, output)
