"""Finding an office's generated connection profile by its office code.

``ipledger network generate`` writes one profile per office to
``network/generated/profiles/<CODE>.json``.  The directory is taken from
``$IPLEDGER_PROFILES`` or found by walking up from the working directory, so
the CLI and scripts work from anywhere inside the repository.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from ipledger.gateway.errors import ConfigurationError
from ipledger.gateway.profile import ConnectionProfile

__all__ = ["PROFILES_ENV", "PROFILES_SUBDIR", "find_profiles_dir", "load_profile", "profile_path"]

PROFILES_ENV = "IPLEDGER_PROFILES"
PROFILES_SUBDIR = Path("network") / "generated" / "profiles"

_OFFICE_CODE = re.compile(r"^[A-Za-z]{2}$")


def find_profiles_dir(start: Path | None = None, environ: Mapping[str, str] | None = None) -> Path | None:
    """``$IPLEDGER_PROFILES``, else the first ``network/generated/profiles`` above ``start`` (the cwd)."""
    env = os.environ if environ is None else environ
    configured = env.get(PROFILES_ENV)
    if configured:
        return Path(configured)
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / PROFILES_SUBDIR
        if candidate.is_dir():
            return candidate
    return None


def profile_path(office_or_path: str | os.PathLike[str], profiles_dir: Path | None = None) -> Path:
    """The profile file for an office code (``JP``) or an explicit path."""
    text = os.fspath(office_or_path)
    if not _OFFICE_CODE.match(text) or Path(text).is_file():
        return Path(text)
    directory = profiles_dir or find_profiles_dir()
    if directory is None:
        raise ConfigurationError(
            f"cannot find the connection profile of office {text.upper()}: set ${PROFILES_ENV} or run inside "
            f"the repository (looked for {PROFILES_SUBDIR} above {Path.cwd()}); "
            "`ipledger network generate` creates the profiles"
        )
    return directory / f"{text.upper()}.json"


def load_profile(office_or_path: str | os.PathLike[str] | ConnectionProfile,
                 profiles_dir: Path | None = None) -> ConnectionProfile:
    if isinstance(office_or_path, ConnectionProfile):
        return office_or_path
    path = profile_path(office_or_path, profiles_dir)
    if not path.is_file():
        known = sorted(p.stem for p in path.parent.glob("*.json")) if path.parent.is_dir() else []
        hint = f" (profiles there: {', '.join(known)})" if known else ""
        raise ConfigurationError(f"connection profile {path} does not exist{hint}")
    return ConnectionProfile.load(path)
