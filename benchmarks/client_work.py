"""The client's own CPU per submit with gRPC left out: what client_bench.py's figures hold besides gRPC.

One submit's steps through our client's internals, fed the fake gateway's answers directly: build the proposal
(hash + sign), build the Endorse request, parse the endorsed envelope for the result, sign it, build and sign
the commit status request, serialize both requests, parse the commit status. The best of several rounds is
kept, which makes the figure steady on a busy machine (unlike rates and CPU over a run), so it can tell two
checkouts apart where the whole-client figures cannot.

    .venv/bin/python benchmarks/client_work.py                           # this checkout
    .venv/bin/python benchmarks/client_work.py --baseline ../main/client # and another one, alternately

It reaches into private names (``_endorse_request``, ``_prepared``, ``_prepare_submit``) on purpose: the point
is to time exactly the client's steps between the RPCs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLIENT_ENV = "IPLEDGER_CLIENT_BENCH_CLIENT"
sys.path.insert(0, os.environ.get(CLIENT_ENV, str(HERE.parent / "client")))
sys.path.insert(1, str(HERE))


def measure(rounds: int, number: int) -> tuple[str, float]:
    """(the client directory used, best microseconds per submit)."""
    import ipledger
    import fake_gateway
    from ipledger.gateway import Gateway
    from ipledger.gateway._protos import gateway_pb2
    from ipledger.gateway._sync.transaction import Transaction

    with tempfile.TemporaryDirectory() as directory:
        material = fake_gateway.write_material(Path(directory))
        fake_gateway.write_profile(material, 1)  # never connected: no call leaves the process
        gateway = Gateway.from_profile(material.profile)
        contract = gateway.get_network(fake_gateway.CHANNEL).get_contract(fake_gateway.CHAINCODE)
        responder = fake_gateway.Responder(material.peer_cert.read_bytes())
    argument = json.dumps({"ipRight": "PATENT", "applicationNumber": "1234567890123456", "filingDate": "2024-03-15",
                           "documentSha256": "ab" * 32, "documentFormat": "PDF"})
    probe = contract.new_proposal("DepositFirstFiling", [argument])
    endorsed = responder.endorse(probe._endorse_request().SerializeToString())
    committed = gateway_pb2.CommitStatusResponse(result=0, block_number=3).SerializeToString()
    context = gateway._context

    def one_submit() -> None:
        proposal = contract.new_proposal("DepositFirstFiling", [argument])
        proposal._endorse_request().SerializeToString()
        transaction = Transaction(context, *proposal._prepared(gateway_pb2.EndorseResponse.FromString(endorsed)))
        request, status_request = transaction._prepare_submit()
        request.SerializeToString()
        status_request.SerializeToString()
        gateway_pb2.CommitStatusResponse.FromString(committed)

    best = min(timeit.repeat(one_submit, number=number, repeat=rounds)) / number
    gateway.close()
    return str(Path(ipledger.__file__).parents[1]), best * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", type=Path, help="another checkout's client/ directory, measured alternately")
    parser.add_argument("--alternations", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--number", type=int, default=500, help="submits per round")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(measure(args.rounds, args.number)))
        return
    checkouts = [HERE.parent / "client"] + ([args.baseline] if args.baseline else [])
    best: dict[str, float] = {}
    for _ in range(args.alternations):
        for checkout in checkouts:  # each in a fresh process: its own imports
            done = subprocess.run(
                [sys.executable, __file__, "--worker", "--rounds", str(args.rounds), "--number", str(args.number)],
                env={**os.environ, CLIENT_ENV: str(checkout)}, capture_output=True, text=True, check=True)
            used, microseconds = json.loads(done.stdout)
            if Path(used).resolve() != checkout.resolve():
                raise SystemExit(f"measured {used}, not {checkout}")
            best[str(checkout)] = min(best.get(str(checkout), float("inf")), microseconds)
            print(f"  {checkout}: {microseconds:.1f} µs per submit", flush=True)
    print(f"\nclient's own CPU per submit, gRPC left out (best of {args.alternations} x {args.rounds} rounds of "
          f"{args.number}):")
    for checkout, microseconds in best.items():
        print(f"  {microseconds:6.1f} µs  {checkout}")


if __name__ == "__main__":
    main()
