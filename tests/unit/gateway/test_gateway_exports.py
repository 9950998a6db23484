"""The public surface of ipledger.gateway is explicit, sorted and importable."""

from __future__ import annotations

import ipledger.gateway as gateway


def test_all_is_sorted_and_unique() -> None:
    assert gateway.__all__ == sorted(set(gateway.__all__))


def test_every_exported_name_exists() -> None:
    assert [name for name in gateway.__all__ if not hasattr(gateway, name)] == []


def test_shared_contract_names_are_exported() -> None:
    # The gateway takes an identity and a signer (ipledger.credentials); the errors shared by the layers are
    # ipledger.errors's.
    import ipledger.credentials as credentials
    import ipledger.errors as errors

    contract_names = {
        "Gateway", "AsyncGateway", "Network", "Contract", "SubmittedTransaction", "Status", "ChaincodeEvent",
        "GatewayError", "EndorseError", "SubmitError", "CommitStatusError", "CommitError", "ErrorDetail", "Timeouts",
    }
    assert contract_names <= set(gateway.__all__)
    assert {"Identity", "Signer", "Hash"} <= set(credentials.__all__)
    assert {"ConnectionError", "ConfigurationError"} <= set(errors.__all__)


def test_credentials_are_not_the_gateway() -> None:
    import ipledger.credentials as credentials

    assert set(credentials.__all__).isdisjoint(gateway.__all__)


def test_every_public_class_is_exported() -> None:
    public_classes = {
        name for name, value in vars(gateway).items()
        if isinstance(value, type) and not name.startswith("_") and value.__module__.startswith("ipledger.")
    }
    assert public_classes <= set(gateway.__all__)
