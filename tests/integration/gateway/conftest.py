"""Fixtures for the live gateway tests; every one goes through the session fixture ``network``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from _gateway_live import LiveNetwork
from ipledger.gateway import AsyncGateway, AsyncNetwork, Contract, Gateway, Network
from ipledger.operator.bringup import Context


@pytest.fixture(scope="session")
def live(network: Context) -> LiveNetwork:
    return LiveNetwork(
        profiles_dir=network.plan.profiles_dir,
        channel=network.plan.channel,
        chaincode=network.plan.spec.chaincode.name,
    )


@pytest.fixture
def jp_gateway(live: LiveNetwork) -> Iterator[Gateway]:
    """JP's User1 on JP's gateway peer."""
    with Gateway.from_profile(live.profile_path("JP"), user="User1") as gateway:
        yield gateway


@pytest.fixture
def jp_network(live: LiveNetwork, jp_gateway: Gateway) -> Network:
    return jp_gateway.get_network(live.channel)


@pytest.fixture
def jp_contract(live: LiveNetwork, jp_network: Network) -> Contract:
    return jp_network.get_contract(live.chaincode)


@pytest.fixture
async def jp_aio_gateway(live: LiveNetwork) -> AsyncIterator[AsyncGateway]:
    """The asyncio twin of ``jp_gateway`` (on this test's event loop)."""
    async with AsyncGateway.from_profile(live.profile_path("JP"), user="User1") as gateway:
        yield gateway


@pytest.fixture
def jp_aio_network(live: LiveNetwork, jp_aio_gateway: AsyncGateway) -> AsyncNetwork:
    return jp_aio_gateway.get_network(live.channel)
