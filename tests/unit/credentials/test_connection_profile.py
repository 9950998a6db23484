"""Finding connection profiles by office code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipledger.credentials.connection_profile import PROFILES_ENV, find_profiles_dir, load_profile, profile_path
from ipledger.errors import ConfigurationError


def _write_profile(directory: Path, code: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "tls.pem").write_text("cert")
    path = directory / f"{code}.json"
    path.write_text(json.dumps({
        "office": code, "mspId": f"{code}MSP", "channel": "priority", "chaincode": "ipledger",
        "gateway": {"endpoint": "127.0.0.1:7051", "tlsRootCertPath": "tls.pem"},
    }))
    return path


def test_environment_variable_wins(tmp_path: Path) -> None:
    assert find_profiles_dir(tmp_path, {PROFILES_ENV: "/somewhere"}) == Path("/somewhere")


def test_walks_up_from_the_working_directory(tmp_path: Path) -> None:
    profiles = tmp_path / "network" / "generated" / "profiles"
    profiles.mkdir(parents=True)
    nested = tmp_path / "client" / "ipledger"
    nested.mkdir(parents=True)
    assert find_profiles_dir(nested, {}) == profiles.resolve()
    assert find_profiles_dir(Path("/"), {}) is None or find_profiles_dir(Path("/"), {}) != profiles


def test_office_code_or_path(tmp_path: Path) -> None:
    assert profile_path("jp", tmp_path) == tmp_path / "JP.json"
    assert profile_path(str(tmp_path / "x.json"), tmp_path) == tmp_path / "x.json"


def test_load_profile_by_code(tmp_path: Path) -> None:
    _write_profile(tmp_path, "JP")
    profile = load_profile("JP", tmp_path)
    assert (profile.office, profile.msp_id, profile.channel) == ("JP", "JPMSP", "priority")


def test_missing_profile_names_the_known_ones(tmp_path: Path) -> None:
    _write_profile(tmp_path, "JP")
    _write_profile(tmp_path, "US")
    with pytest.raises(ConfigurationError, match="profiles there: JP, US"):
        load_profile("KR", tmp_path)
