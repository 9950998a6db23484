"""The container engine: find a Docker daemon that answers, installing and starting one when allowed.

On a fresh Debian machine the project installs Debian's ``docker.io`` and ``docker-compose`` and starts
``dockerd`` itself, since no registry other than Debian's is reachable for the engine.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ipledger.operator.errors import CommandFailedError, EngineUnavailableError
from ipledger.operator.progress import Progress
from ipledger.operator.run import run

DEBIAN_PACKAGES = ("docker.io", "docker-compose")


@dataclass(frozen=True)
class Engine:
    docker: str
    compose: tuple[str, ...]  # argv prefix of the compose tool

    def compose_argv(self, compose_file: Path, project: str, project_directory: Path) -> list[str]:
        # Paths in the compose file are relative to the repository, wherever the file itself lives.
        return [*self.compose, "-f", str(compose_file), "--project-directory", str(project_directory),
                "-p", project]


def daemon_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        proc = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return False  # a daemon that hangs is as good as none
    return proc.returncode == 0


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


def _start_daemon(progress: Progress, log_dir: Path) -> None:
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
            if daemon_answers():
                return
            time.sleep(0.5)
        tail = (log_dir / "dockerd.log").read_text(errors="replace").splitlines()[-10:]
        raise EngineUnavailableError("dockerd did not answer within 90s; last lines of its log:\n" + "\n".join(tail))


def ensure_engine(progress: Progress, log_dir: Path, install: bool = True) -> Engine:
    """Return a usable engine, installing Debian's docker.io and starting dockerd when needed and allowed."""
    if not daemon_answers():
        if shutil.which("dockerd") is None:
            if not install:
                raise EngineUnavailableError("no Docker engine is installed (run `scripts/setup` to install one)")
            _install_packages(progress, DEBIAN_PACKAGES)
        if not daemon_answers():
            _start_daemon(progress, log_dir)
    compose = _compose_tool()
    if compose is None:
        if not install:
            raise EngineUnavailableError("no compose tool found: install docker-compose")
        _install_packages(progress, ("docker-compose",))
        compose = _compose_tool()
        if compose is None:
            raise EngineUnavailableError("docker-compose was installed but cannot be run")
    return Engine(docker="docker", compose=compose)
