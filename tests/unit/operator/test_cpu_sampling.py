"""CPU accounting: /proc parsing, cgroup files and turning two samples into cores per component."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipledger.operator import cpu

TICKS = cpu.CLOCK_TICKS


def test_machine_busy_leaves_out_idle_and_iowait() -> None:
    line = f"cpu  {TICKS * 3} 0 {TICKS} {TICKS * 10} {TICKS * 2} 0 0 0 0 0\ncpu0 1 2 3 4\n"
    assert cpu.parse_proc_stat(line) == (4.0, 16.0)


def test_a_process_counts_its_reaped_children_and_may_have_spaces_in_its_name() -> None:
    fields = ["S"] + ["0"] * 10 + [str(TICKS), str(2 * TICKS), str(3 * TICKS), str(4 * TICKS)] + ["0"] * 30
    assert cpu.parse_process_stat("42 (containerd-shim runc) " + " ".join(fields)) == ("containerd-shim runc", 10.0)


def test_engine_processes_of_the_consortium_are_summed_by_role(tmp_path: Path) -> None:
    def proc(pid: int, name: str, ticks: int, *argv: str, ppid: int = 1) -> None:
        (tmp_path / str(pid)).mkdir()
        rest = ["S", str(ppid)] + ["0"] * 9 + [str(ticks), "0", "0", "0"] + ["0"] * 30
        (tmp_path / str(pid) / "stat").write_text(f"{pid} ({name}) " + " ".join(rest))
        (tmp_path / str(pid) / "cmdline").write_bytes("\0".join([name, *argv]).encode() + b"\0")

    proc(10, "dockerd", TICKS)
    proc(11, "containerd", TICKS, "--config", "x.toml", ppid=10)
    proc(20, "dockerd", 7 * TICKS, "--data-root", "/elsewhere")  # another engine on the machine
    proc(21, "containerd", 7 * TICKS, ppid=20)
    proc(2, "containerd-shim-runc-v2", TICKS, "-namespace", "moby", "-id", "ours1")
    proc(3, "containerd-shim-runc-v2", 2 * TICKS, "-id", "ours2")
    proc(4, "containerd-shim-runc-v2", 5 * TICKS, "-id", "theirs")
    proc(5, "docker-proxy", TICKS, "-proto", "tcp", "-host-port", "12551", "-container-port", "12551")
    proc(6, "docker-proxy", 9 * TICKS, "-host-port", "47055")
    proc(7, "python3", 50 * TICKS)
    (tmp_path / "self").mkdir()
    scope = cpu.EngineScope(frozenset({"ours1", "ours2"}), frozenset({12551}), frozenset({10}))
    assert cpu.engine_seconds(tmp_path, scope) == {"dockerd": 1.0, "containerd": 1.0, "containerd-shim": 3.0,
                                                   "docker-proxy": 1.0}
    # Without a scope every engine process counts (the machine's whole engine cost).
    assert cpu.engine_seconds(tmp_path) == {"dockerd": 8.0, "containerd": 8.0, "containerd-shim": 8.0,
                                            "docker-proxy": 10.0}


def test_the_daemon_pid_comes_from_its_pidfile(tmp_path: Path) -> None:
    (tmp_path / "docker.pid").write_text("20448\n")
    assert cpu.daemon_pids(tmp_path / "docker.pid") == frozenset({20448})
    assert cpu.daemon_pids(tmp_path / "missing.pid") is None


def test_container_time_from_cgroup_v1_or_v2(tmp_path: Path) -> None:
    v1 = tmp_path / "cpuacct" / "docker" / "abc"
    v1.mkdir(parents=True)
    (v1 / "cpuacct.usage").write_text("2500000000\n")
    v2 = tmp_path / "system.slice" / "docker-def.scope"
    v2.mkdir(parents=True)
    (v2 / "cpu.stat").write_text("usage_usec 1500000\nuser_usec 1000000\n")
    assert cpu.container_seconds("abc", tmp_path) == 2.5
    assert cpu.container_seconds("def", tmp_path) == 1.5
    assert cpu.container_seconds("gone", tmp_path) is None


def test_two_samples_give_cores_per_component() -> None:
    before = cpu.CpuSample(at=100.0, machine_busy=10.0, machine_total=40.0,
                           containers={"peer0.jp": 5.0, "orderer0.jp": 1.0},
                           engine={"dockerd": 2.0}, client=1.0)
    after = cpu.CpuSample(at=110.0, machine_busy=25.0, machine_total=60.0,
                          containers={"peer0.jp": 13.0, "orderer0.jp": 4.0, "cc.jp": 1.0},
                          engine={"dockerd": 3.0, "docker-proxy": 0.5, "containerd-shim": 1.0}, client=2.0)
    used = cpu.usage(before, after, cores=2)
    assert used.machine == pytest.approx(0.75)
    assert used.containers == pytest.approx({"peer0.jp": 0.8, "orderer0.jp": 0.3, "cc.jp": 0.1})
    components = used.by_component({"peer0.jp": "peer", "orderer0.jp": "orderer", "cc.jp": "chaincode"})
    assert list(components) == list(cpu.COMPONENTS)
    assert components == pytest.approx({"peer": 0.8, "orderer": 0.3, "chaincode": 0.1, "ca": 0.0, "library": 0.0,
                                        "engine": 0.15, "daemon": 0.1, "client": 0.1})
