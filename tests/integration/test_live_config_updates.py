"""Multi-party channel configuration updates on the live channel: too few signatures are refused (locally, naming
who is missing, and by the orderer) with the configuration unchanged; enough offline signatures apply it.

The change is the orderer's BatchTimeout, harmless to the other tests; it is put back afterwards by a second
update signed the same way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ipledger.operator.bringup import Context
from ipledger.operator.channel_config import ChannelConfig, ChannelConfigs
from ipledger.operator.config_errors import ConfigUpdateRefusedError, PolicyNotSatisfiedError
from ipledger.operator.config_update import ConfigUpdate, Signatory


def _configs(network: Context, code: str) -> ChannelConfigs:
    return ChannelConfigs(next(a for a in network.admins() if a.office.code == code))


def _office_admin(network: Context, code: str) -> Signatory:
    """The office admin's own MSP folder, as that office would sign on its own machine."""
    admin = next(a for a in network.admins() if a.office.code == code)
    return Signatory.from_msp_directory(admin.office.msp_id, admin.admin_dir / "msp")


def _batch_timeout(config: ChannelConfig) -> str:
    return str(config.config["channel_group"]["groups"]["Orderer"]["values"]["BatchTimeout"]["value"]["timeout"])


def _with_batch_timeout(config: ChannelConfig, timeout: str) -> dict[str, object]:
    modified = config.editable()
    modified["channel_group"]["groups"]["Orderer"]["values"]["BatchTimeout"]["value"]["timeout"] = timeout
    return modified


def test_update_needs_a_majority_of_office_admins(network: Context, tmp_path: Path) -> None:
    jp = _configs(network, "JP")
    before = jp.current()
    original_timeout = _batch_timeout(before)
    wanted = "750ms" if original_timeout != "750ms" else "650ms"

    # Prepared by JP, passed around as a file, signed offline by JP and US: two of four.
    path = jp.prepare(_with_batch_timeout(before, wanted), base=before, note="test: BatchTimeout").save(
        tmp_path / "update.json")
    for code in ("JP", "US"):
        ConfigUpdate.load(path, jp.translator).sign(_office_admin(network, code)).save(path)
    update = ConfigUpdate.load(path, jp.translator)
    description = update.describe()
    assert [str(c) for c in description.changes] == [
        f"modified value Orderer/BatchTimeout: timeout: {original_timeout} -> {wanted}"]
    assert [s.msp_id for s in description.signatures] == ["JPMSP", "USMSP"]
    assert all(s.valid for s in description.signatures) and not description.ready

    with pytest.raises(PolicyNotSatisfiedError) as local:
        _configs(network, "KR").submit(update)
    message = str(local.value)
    assert "/Channel/Orderer/Admins (MAJORITY Admins)" in message
    assert "needs 3 of 4; signed: JPMSP, USMSP; missing: one of EPMSP, KRMSP" in message
    assert local.value.code == "POLICY_NOT_SATISFIED"

    with pytest.raises(ConfigUpdateRefusedError) as refused:
        jp.submit(update, check_policies=False)
    assert refused.value.status == "BAD_REQUEST"
    assert "/Channel/Orderer/BatchTimeout not satisfied" in str(refused.value)

    unchanged = jp.current()
    assert (unchanged.sequence, unchanged.block_number) == (before.sequence, before.block_number)
    assert unchanged.config == before.config

    # EP's admin signs too: a majority, and anyone (here KR, which did not sign) submits it.
    ConfigUpdate.load(path, jp.translator).sign(_office_admin(network, "EP")).save(path)
    kr = _configs(network, "KR")
    applied = kr.submit(kr.load(path))
    try:
        assert applied.sequence == before.sequence + 1
        assert _batch_timeout(applied) == wanted
        assert _batch_timeout(_configs(network, "US").current()) == wanted
    finally:
        restore = jp.prepare(_with_batch_timeout(applied, original_timeout), base=applied, note="test: restore")
        for code in ("US", "EP", "KR"):
            restore = restore.sign(_office_admin(network, code))
        assert _batch_timeout(jp.submit(restore)) == original_timeout
