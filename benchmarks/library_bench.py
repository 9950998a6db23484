"""Digital library figures: document transfer throughput over TLS against a plain TLS copy, memory during the
transfer, and deposit + fetch end to end. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/library_bench.py [--size-mb 200] [--runs 3]

Needs the running network (`./scripts/demo` or `scripts/network up`). One run measures, on the same bytes:
  library -> ipledger client   LibraryClient.download in a child process (its peak RSS is reported)
  library -> curl              the same request with curl (the library's cost without our client), through
                               the published loopback port (Docker's userland proxy copies every byte) and
                               directly to the container's address on the project's bridge network, and
                               to the same library binary run on this host's loopback (no container)
  openssl s_server -> curl     a plain TLS file copy on this machine: the baseline of the ratios
All three go over loopback, so they share the machine's two cores with the library and the network's nodes;
the ratios compare them in the same run. JP is the owner, the USPTO the requester.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "client"))

from ipledger.domain import IpRight, PriorityLedger  # noqa: E402
from ipledger.domain.errors import NoGrantError  # noqa: E402
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.operator.bringup import Context  # noqa: E402
from ipledger.operator.progress import Progress  # noqa: E402
from ipledger.operator.toolchain import cache_root, ensure_tools  # noqa: E402

MiB = 1 << 20
CHILD = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {client!r})
from ipledger.credentials.connection_profile import ConnectionProfile
from ipledger.library import LibraryClient, LibraryCredentials
profile = ConnectionProfile.load({profile!r})
client = LibraryClient(profile.libraries["JP"], LibraryCredentials.from_profile(profile, "User1"))
part = Path({part!r})
part.unlink(missing_ok=True)
start = time.perf_counter()
got = client.download({filing!r}, {version}, {retrieval!r}, part, {sha!r})
seconds = time.perf_counter() - start
part.unlink()
assert got.sha256 == {sha!r}, got
print(seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def figure(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"{name:<52} {value:>10.2f} {unit:<6} {note}", flush=True)


def spread(name: str, values: list[float], unit: str) -> float:
    median = statistics.median(values)
    figure(name, median, unit, f"(min {min(values):.2f}, max {max(values):.2f}, n={len(values)})")
    return median


def random_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as file:
        left = size
        while left:
            chunk = secrets.token_bytes(min(left, 4 * MiB))
            file.write(chunk)
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def vm_hwm_kib(ctx: Context, container: str) -> int:
    """Peak resident memory of the container's main process since it started (VmHWM)."""
    engine = ctx.need_engine(install=False)
    pid = engine.client.containers.get(container).attrs["State"]["Pid"]
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for {container}")


def request_when_granted(us: PriorityLedger, filing_id: str) -> str:
    """The grant commits on every peer within a block or two; RequestRetrieval is endorsed by a majority."""
    for _ in range(50):
        try:
            return us.request_retrieval(filing_id).id
        except NoGrantError:
            time.sleep(0.2)
    raise RuntimeError(f"the grant on {filing_id} never reached the endorsing peers")


def deposit_and_fetch(jp: PriorityLedger, us: PriorityLedger, path: Path, out: Path) -> tuple[float, float, str]:
    start = time.perf_counter()
    digest = jp.store_document(path)
    filing = jp.deposit_first_filing(ip_right=IpRight.PATENT, application_number=f"JP 2024-{secrets.randbelow(10**10):010d}",
                                     filing_date="2024-06-03", document_sha256=digest)
    deposited = time.perf_counter() - start
    jp.grant_access(filing.id, "US")
    retrieval = request_when_granted(us, filing.id)
    start = time.perf_counter()
    fetched = us.fetch_document(filing.id, out, retrieval_id=retrieval)
    fetched_in = time.perf_counter() - start
    assert fetched.sha256 == digest
    out.unlink()
    return deposited, fetched_in, filing.id


def curl_seconds(args: list[str]) -> float:
    out = subprocess.run(["curl", "-sS", "--fail", "-o", "/dev/null", "-w", "%{time_total}", *args],
                         check=True, capture_output=True, text=True).stdout
    return float(out)


def host_library(ctx: Context, store: Path, sha: str, port: int) -> subprocess.Popen[bytes]:
    """JP's library binary on this host's loopback, over a copy of the one document, reading JP's peer."""
    plan, office = ctx.plan, ctx.plan.office("JP")
    blob = store / "blobs" / sha[:2] / sha
    blob.parent.mkdir(parents=True)
    volume = ctx.need_engine(install=False).client.containers.get(office.library.host).attrs["Mounts"]
    source = next(Path(m["Source"]) for m in volume if m["Destination"] == "/var/ipledger/library")
    blob.write_bytes((source / "blobs" / sha[:2] / sha).read_bytes())
    crypto = plan.crypto_dir(office) / "library"
    binary = ensure_tools(plan.root, cache_root(), Progress(quiet=True)) / "library"
    peer = office.peers[0]
    return subprocess.Popen([
        str(binary), "--office", "JP", "--msp-id", office.msp_id, "--listen", f"127.0.0.1:{port}",
        "--tls-cert", str(crypto / "tls" / "server.crt"), "--tls-key", str(crypto / "tls" / "server.key"),
        "--peer", f"{plan.host_ip}:{peer.port}", "--peer-server-name", peer.host,
        "--peer-tls-ca", str(crypto / "tls" / "ca.crt"), "--identity-cert", str(crypto / "identity" / "cert.pem"),
        "--identity-key", str(crypto / "identity" / "key.pem"), "--channel", plan.channel,
        "--chaincode", plan.spec.chaincode.name, "--store", str(store), "--max-document-bytes", str(1 << 32)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ctx = Context.load()
    plan = ctx.plan
    if not plan.state_file.exists():
        print("no running network: start it with ./scripts/demo or scripts/network up", file=sys.stderr)
        return 2
    jp_office = plan.office("JP")
    us_profile = ConnectionProfile.load(plan.profiles_dir / "US.json")
    user = us_profile.users["User1"]
    jp_lib = us_profile.libraries["JP"]
    print(f"# library_bench: {args.size_mb} MiB document, {args.runs} runs each, {os.cpu_count()} cores; "
          "the 4-office network runs idle beside it", flush=True)
    with tempfile.TemporaryDirectory(prefix="ipledger-bench-") as tmp, \
            PriorityLedger.connect("JP", profiles_dir=plan.profiles_dir) as jp, \
            PriorityLedger.connect("US", profiles_dir=plan.profiles_dir) as us:
        work = Path(tmp)
        small, big = work / "small.pdf", work / "big.pdf"
        random_file(small, MiB)
        sha = random_file(big, args.size_mb * MiB)

        # End to end: store + deposit (JP), then request + download + verify + acknowledge (US).
        for name, path in (("1 MiB", small), (f"{args.size_mb} MiB", big)):
            deposit_s, fetch_s = [], []
            for _ in range(args.runs if path is small else 1):
                d, f, filing_id = deposit_and_fetch(jp, us, path, work / "received.pdf")
                deposit_s.append(d)
                fetch_s.append(f)
            spread(f"deposit (store + DepositFirstFiling) {name}", deposit_s, "s")
            spread(f"fetch (request + download + acknowledge) {name}", fetch_s, "s")
        big_filing = filing_id

        # Transfer alone, 3 ways, on one PENDING retrieval (downloads do not change the ledger).
        retrieval = request_when_granted(us, big_filing)
        target = (f"/filings/{big_filing}/versions/1/document?retrieval={retrieval}").replace(" ", "%20")
        library_url = f"https://{jp_office.library.host}:{jp_office.library.port}{target}"
        resolve = f"{jp_office.library.host}:{jp_office.library.port}:{plan.host_ip}"
        hwm_before = vm_hwm_kib(ctx, jp_office.library.host)
        engine = ctx.need_engine(install=False)
        attached = engine.client.containers.get(jp_office.library.host).attrs["NetworkSettings"]["Networks"]
        bridge_ip = "".join(str(n.get("IPAddress", "")) for n in attached.values())
        direct = f"{jp_office.library.host}:{jp_office.library.port}:{bridge_ip}"
        ours, ours_rss, curl_lib, curl_direct, curl_host, baseline = [], [], [], [], [], []
        for _ in range(args.runs):
            child = CHILD.format(client=str(REPO / "client"), profile=str(us_profile.path), part=str(work / "x.part"),
                                 filing=big_filing, version=1, retrieval=retrieval, sha=sha)
            seconds, rss = subprocess.run([sys.executable, "-c", child], check=True, capture_output=True,
                                          text=True).stdout.split()
            ours.append(float(seconds))
            ours_rss.append(int(rss) / 1024)
            for into, route in ((curl_lib, resolve), (curl_direct, direct)):
                into.append(curl_seconds(["--cert", str(user.cert_path), "--key", str(user.key_path),
                                          "--cacert", str(jp_lib.tls_root_cert_path), "--resolve", route,
                                          library_url]))
        hwm_after = vm_hwm_kib(ctx, jp_office.library.host)
        on_host = host_library(ctx, work / "host-store", sha, 17998)
        try:
            time.sleep(1.0)
            for _ in range(args.runs):
                curl_host.append(curl_seconds([
                    "--cert", str(user.cert_path), "--key", str(user.key_path), "--cacert",
                    str(jp_lib.tls_root_cert_path), "--resolve", f"{jp_office.library.host}:17998:127.0.0.1",
                    library_url.replace(f":{jp_office.library.port}/", ":17998/")]))
        finally:
            on_host.terminate()
            on_host.wait()
        tls_dir = plan.crypto_dir(jp_office) / "library" / "tls"
        port = 17999
        server = subprocess.Popen(["openssl", "s_server", "-quiet", "-WWW", "-accept", f"127.0.0.1:{port}",
                                   "-cert", str(tls_dir / "server.crt"), "-key", str(tls_dir / "server.key")],
                                  cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            time.sleep(0.5)
            for _ in range(args.runs):
                baseline.append(curl_seconds(["--cacert", str(tls_dir / "ca.crt"), "--resolve",
                                              f"{jp_office.library.host}:{port}:127.0.0.1",
                                              f"https://{jp_office.library.host}:{port}/big.pdf"]))
        finally:
            server.terminate()
            server.wait()
        size = args.size_mb
        m_ours = spread(f"library -> ipledger client, {size} MiB", ours, "s")
        m_curl = spread(f"library -> curl, {size} MiB (published port)", curl_lib, "s")
        m_direct = spread(f"library -> curl, {size} MiB (bridge address)", curl_direct, "s")
        m_host = spread(f"library on the host -> curl, {size} MiB (loopback)", curl_host, "s")
        m_base = spread(f"openssl s_server -> curl (plain TLS copy), {size} MiB", baseline, "s")
        figure("throughput library -> ipledger client", size / m_ours, "MiB/s")
        figure("throughput openssl s_server -> curl", size / m_base, "MiB/s")
        figure("ratio: ipledger client / plain TLS copy (throughput)", m_base / m_ours, "x")
        figure("ratio: library via curl / plain TLS copy (throughput)", m_base / m_curl, "x")
        figure("ratio: library via curl, bridge / plain TLS copy (throughput)", m_base / m_direct, "x")
        figure("ratio: library on the host via curl / plain TLS copy (throughput)", m_base / m_host, "x")
        spread("peak RSS of the ipledger client process", ours_rss, "MiB")
        figure("library peak RSS (VmHWM) before the transfers", hwm_before / 1024, "MiB")
        figure("library peak RSS (VmHWM) after the transfers", hwm_after / 1024, "MiB")
        print(json.dumps({"filing": big_filing, "retrieval": retrieval}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
