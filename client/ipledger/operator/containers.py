"""Docker objects of the consortium: compose services, chaincode servers, and what is left after a failure.

Every object a consortium creates carries the label ``io.ipledger.project=<its project>``, so tear-down
finds all of them (including chaincode containers, which compose does not know about) and nothing of another
consortium on the same engine (the demo network beside the test suite's). All of it goes through the SDK
(engine API), except ``compose`` itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import docker
from docker.models.containers import Container

from ipledger.consortium.plan import CHAINCODE_PORT, ConsortiumPlan, OfficePlan
from ipledger.operator.engine import Engine
from ipledger.operator.engine_errors import engine_call, is_conflict
from ipledger.operator.run import run

if TYPE_CHECKING:
    from docker.api.container import _RestartPolicy

IMAGE_LABEL = "io.ipledger.chaincode-image"
# The stubs list only "always" and "on-failure"; the engine API also takes "unless-stopped".
UNLESS_STOPPED = cast("_RestartPolicy", {"Name": "unless-stopped"})


@dataclass(frozen=True)
class ContainerState:
    name: str
    status: str  # running, exited, ...
    health: str  # healthy, unhealthy, starting, or "" without a healthcheck
    labels: dict[str, str]
    ports: frozenset[int] = frozenset()  # host ports it publishes


def state_of(attrs: Mapping[str, Any]) -> ContainerState:
    """A container's state from its inspect attributes (``Container.attrs``)."""
    state = attrs.get("State") or {}
    health = (state.get("Health") or {}).get("Status", "")
    labels = (attrs.get("Config") or {}).get("Labels") or {}
    return ContainerState(name=str(attrs.get("Name", "")).lstrip("/"), status=str(state.get("Status", "?")),
                          health=str(health), labels=dict(labels), ports=frozenset(host_ports(attrs)))


def host_ports(attrs: Mapping[str, Any]) -> set[int]:
    """Host ports bound by a container, from ``NetworkSettings.Ports``: {"7051/tcp": [{"HostPort": "27051"}]}.

    Unpublished container ports map to None; a port published on IPv4 and IPv6 appears twice, once counted.
    """
    bindings = (attrs.get("NetworkSettings") or {}).get("Ports") or {}
    ports: set[int] = set()
    for host_side in bindings.values():
        for binding in host_side or []:
            if str(binding.get("HostPort", "")).isdigit():
                ports.add(int(binding["HostPort"]))
    return ports


def compose(engine: Engine, plan: ConsortiumPlan, *args: str, env: Mapping[str, str] | None = None,
            office: OfficePlan | None = None) -> str:
    """docker-compose on the consortium's file, or on one office's own file when ``office`` is given.

    Every office's nodes share the consortium's project name (so its labels, network and volume names), so
    compose would call the other offices' containers orphans of an office's file: they are not."""
    full_env = {**engine.compose_env(), "COMPOSE_IGNORE_ORPHANS": "True", **(env or {})}
    file = plan.office_compose_file(office) if office is not None else plan.compose_file
    return run([*engine.compose_argv(file, plan.project, plan.root), *args], cwd=plan.root, env=full_env)


def label_filter(plan: ConsortiumPlan, *extra: str) -> dict[str, str | list[str] | bool]:
    # The engine ANDs the labels of one filter: the project's, then every extra one.
    return {"label": [plan.project_label, *extra]}


def _list(engine: Engine, plan: ConsortiumPlan, extra: tuple[str, ...], all_states: bool) -> list[Container]:
    with engine_call(f"project {plan.project}", "list containers"):
        # ignore_removed: a container removed between the listing and its inspection is simply gone.
        return list(engine.client.containers.list(all=all_states, filters=label_filter(plan, *extra),
                                                  ignore_removed=True))


def containers(engine: Engine, plan: ConsortiumPlan, *extra: str, all_states: bool = True) -> list[ContainerState]:
    """The consortium's containers (with every one of the ``extra`` labels too, when given)."""
    return sorted((state_of(c.attrs) for c in _list(engine, plan, extra, all_states)), key=lambda s: s.name)


def published_ports(engine: Engine, plan: ConsortiumPlan) -> set[int]:
    """Host ports published by this consortium's running containers."""
    ports: set[int] = set()
    for state in containers(engine, plan, all_states=False):
        ports |= state.ports
    return ports


def _container(engine: Engine, name: str, action: str) -> Container:
    with engine_call(name, action):
        return engine.client.containers.get(name)


def logs_tail(engine: Engine, name: str, lines: int = 20) -> str:
    container = _container(engine, name, "read logs")
    with engine_call(name, "read logs"):
        return container.logs(tail=lines).decode(errors="replace")


def follow_logs(engine: Engine, name: str, lines: int = 20) -> Iterator[str]:
    """The last ``lines`` lines, then new output as the node writes it, until the container stops."""
    container = _container(engine, name, "follow logs")
    with engine_call(name, "follow logs"):
        stream = container.logs(stream=True, follow=True, tail=lines)
        try:
            for chunk in stream:
                yield chunk.decode(errors="replace")
        finally:
            stream.close()  # also when the reader stops early (Ctrl-C): release the connection


def remove_containers(engine: Engine, names: list[str]) -> None:
    for name in names:
        # v: also the anonymous volumes of the images' VOLUME lines, which would otherwise be left behind
        _remove_quietly(name, "remove container",
                        lambda: engine.client.containers.get(name).remove(force=True, v=True))


def chaincode_container_name(plan: ConsortiumPlan, office: OfficePlan, label: str) -> str:
    return office.chaincode_host(plan.spec.chaincode.name, label)


def chaincode_labels(plan: ConsortiumPlan, office: OfficePlan, label: str, image: str) -> dict[str, str]:
    key, _, value = plan.project_label.partition("=")
    return {key: value, "io.ipledger.office": office.code, "io.ipledger.role": "chaincode",
            "io.ipledger.chaincode-label": label, IMAGE_LABEL: image}


def start_chaincode(engine: Engine, plan: ConsortiumPlan, office: OfficePlan, label: str, package_id: str,
                    image: str) -> str:
    """Run the office's chaincode server for one package (idempotent); returns the container name."""
    name = chaincode_container_name(plan, office, label)
    existing = {c.name: c for c in containers(engine, plan, f"io.ipledger.chaincode-label={label}")}
    current = existing.get(name)
    # A CCaaS package ID names only the connection, not the code: a server running another image (the
    # chaincode was rebuilt) is replaced, or the old code would go on answering.
    if current is not None and current.status == "running" and current.labels.get(IMAGE_LABEL) == image:
        return name
    remove_containers(engine, [name] if current is not None else [])
    tls_dir = plan.crypto_dir(office) / "chaincode-server"
    with engine_call(name, f"start chaincode server from {image}"):
        # The alias equal to the name is what the peers dial (the package's connection.json).
        endpoint = engine.client.api.create_endpoint_config(aliases=[name])
        engine.client.containers.run(
            image, detach=True, name=name, hostname=name,
            network=plan.docker_network, networking_config={plan.docker_network: endpoint},
            restart_policy=UNLESS_STOPPED,
            labels=chaincode_labels(plan, office, label, image),
            volumes={str(tls_dir): {"bind": "/etc/ipledger/tls", "mode": "ro"}},
            environment={
                "CHAINCODE_SERVER_ADDRESS": f"0.0.0.0:{CHAINCODE_PORT}",
                "CHAINCODE_ID": package_id,
                "CHAINCODE_TLS_KEY_FILE": "/etc/ipledger/tls/server.key",
                "CHAINCODE_TLS_CERT_FILE": "/etc/ipledger/tls/server.crt",
                "CHAINCODE_CLIENT_CA_FILE": "/etc/ipledger/tls/ca.crt",
                # The server serves this office's peer only; founding needs to know whose (CONTRACT.md §1, §8).
                "CORE_PEER_LOCALMSPID": office.msp_id,
            },
        )
    return name


def stop_chaincode_except(engine: Engine, plan: ConsortiumPlan, keep_label: str) -> list[str]:
    """Remove chaincode containers of other package labels (after an upgrade committed)."""
    old = [c.name for c in containers(engine, plan, "io.ipledger.role=chaincode")
           if c.labels.get("io.ipledger.chaincode-label") != keep_label]
    remove_containers(engine, old)
    return old


def volumes(engine: Engine, plan: ConsortiumPlan) -> list[str]:
    with engine_call(f"project {plan.project}", "list volumes"):
        return sorted(str(v.name) for v in engine.client.volumes.list(filters=label_filter(plan)))


def networks(engine: Engine, plan: ConsortiumPlan) -> list[str]:
    with engine_call(f"project {plan.project}", "list networks"):
        return sorted(str(n.name) for n in engine.client.networks.list(filters=label_filter(plan)))


def remove_everything(engine: Engine, plan: ConsortiumPlan, keep_volumes: bool) -> None:
    remove_containers(engine, [c.name for c in containers(engine, plan)])
    if not keep_volumes:
        for vol in volumes(engine, plan):
            _remove_quietly(vol, "remove volume", lambda: engine.client.volumes.get(vol).remove(force=True))
    for net in networks(engine, plan):
        _remove_quietly(net, "remove network", lambda: engine.client.networks.get(net).remove())


def _remove_quietly(name: str, action: str, remove: Callable[[], None]) -> None:
    """Remove one object, now; one already gone (or being removed) is not an error, anything else is."""
    with engine_call(name, action):
        try:
            remove()
        except docker.errors.NotFound:
            return
        except docker.errors.APIError as exc:
            if not is_conflict(exc):
                raise
