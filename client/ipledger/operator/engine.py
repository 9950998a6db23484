"""The container engine: one Docker SDK connection, and a daemon that answers (installed and started when allowed).

On a fresh Debian machine the project installs Debian's ``docker.io`` and ``docker-compose`` and starts
``dockerd`` itself, since no registry other than Debian's is reachable for the engine. Starting ``dockerd`` and
running compose are the only subprocesses here; everything else talks to the engine's API through the SDK.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import docker
import requests

from ipledger.operator.errors import CommandFailedError, EngineUnavailableError
from ipledger.operator.progress import Progress
from ipledger.operator.run import run

DEBIAN_PACKAGES = ("docker.io", "docker-compose")
DEFAULT_SOCKET = "unix:///var/run/docker.sock"
# Long enough for an image build's context upload or a slow `remove`; streams (logs --follow) have no timeout.
API_TIMEOUT = 300


def default_base_url() -> str:
    """The engine a caller gets when it names none: DOCKER_HOST, as the CLI would use, else the local socket."""
    return os.environ.get("DOCKER_HOST") or DEFAULT_SOCKET


@dataclass(frozen=True, eq=False)
class Engine:
    """One engine: its SDK client (several engines may live in one process) and the compose tool."""

    client: docker.DockerClient
    base_url: str
    compose: tuple[str, ...]  # argv prefix of the compose tool

    def compose_argv(self, compose_file: Path, project: str, project_directory: Path) -> list[str]:
        # Paths in the compose file are relative to the repository, wherever the file itself lives.
        return [*self.compose, "-f", str(compose_file), "--project-directory", str(project_directory),
                "-p", project]

    def compose_env(self) -> dict[str, str]:
        # compose must drive the same engine as the SDK, whichever socket the caller chose.
        return {"DOCKER_HOST": self.base_url}


def connect(base_url: str, timeout: int = API_TIMEOUT) -> docker.DockerClient:
    """An SDK client for the engine at ``base_url``; "auto" negotiates the API version (Debian's 20.10 is 1.41).

    Raises EngineUnavailableError when nothing answers there.
    """
    try:
        return docker.DockerClient(base_url=base_url, version="auto", timeout=timeout)
    except (docker.errors.DockerException, requests.exceptions.RequestException) as exc:
        raise EngineUnavailableError(f"no Docker engine answers at {base_url}: {exc}") from None


def daemon_answers(base_url: str) -> bool:
    try:
        client = connect(base_url, timeout=30)
    except EngineUnavailableError:
        return False
    try:
        return bool(client.ping())
    except (docker.errors.DockerException, requests.exceptions.RequestException):
        return False  # a daemon that errors or hangs is as good as none
    finally:
        client.close()


def _compose_tool() -> tuple[str, ...] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, check=False)
        if probe.returncode == 0:
            return ("docker", "compose")
    if shutil.which("docker-compose"):
        return ("docker-compose",)
    return None


def _install_packages(progress: Progress, packages: tuple[str, ...]) -> None:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise EngineUnavailableError(
            "no Docker daemon answers and this user cannot install one: run as root on Debian/Ubuntu, or install "
            f"{' and '.join(packages)} and start dockerd yourself, then retry")
    with progress.step(f"install {', '.join(packages)} from Debian"):
        env = {"DEBIAN_FRONTEND": "noninteractive"}
        try:
            run(["apt-get", "update", "-qq"], env=env, timeout=600)
            run(["apt-get", "install", "-y", "-qq", *packages], env=env, timeout=1200)
        except CommandFailedError as exc:
            raise EngineUnavailableError(f"installing {' '.join(packages)} failed: {exc}") from None


def _start_daemon(progress: Progress, log_dir: Path, base_url: str) -> None:
    if os.geteuid() != 0:
        raise EngineUnavailableError("dockerd is installed but not running, and starting it needs root: "
                                     "run `sudo dockerd &` (or `sudo service docker start`) and retry")
    log_dir.mkdir(parents=True, exist_ok=True)
    with progress.step("start dockerd"):
        with open(log_dir / "dockerd.log", "ab") as log:
            # A new session, so the daemon outlives this command (and a later CI step reuses it).
            subprocess.Popen(["dockerd"], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if daemon_answers(base_url):
                return
            time.sleep(0.5)
        tail = (log_dir / "dockerd.log").read_text(errors="replace").splitlines()[-10:]
        raise EngineUnavailableError("dockerd did not answer within 90s; last lines of its log:\n" + "\n".join(tail))


def ensure_engine(progress: Progress, log_dir: Path, install: bool = True, base_url: str | None = None) -> Engine:
    """Return a usable engine, installing Debian's docker.io and starting dockerd when needed and allowed.

    ``base_url`` picks the engine (e.g. ``unix:///run/other.sock`` or ``tcp://host:2375``); only the local
    default socket is ever installed or started here.
    """
    url = base_url or default_base_url()
    if not daemon_answers(url):
        if url != DEFAULT_SOCKET:
            raise EngineUnavailableError(f"no Docker engine answers at {url}")
        if shutil.which("dockerd") is None:
            if not install:
                raise EngineUnavailableError("no Docker engine is installed (run `scripts/setup` to install one)")
            _install_packages(progress, DEBIAN_PACKAGES)
        if not daemon_answers(url):
            _start_daemon(progress, log_dir, url)
    compose = _compose_tool()
    if compose is None:
        if not install:
            raise EngineUnavailableError("no compose tool found: install docker-compose")
        _install_packages(progress, ("docker-compose",))
        compose = _compose_tool()
        if compose is None:
            raise EngineUnavailableError("docker-compose was installed but cannot be run")
    return Engine(client=connect(url), base_url=url, compose=compose)
