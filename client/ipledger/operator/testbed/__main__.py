"""``python -m ipledger.operator.testbed up|down|status``: a testbed kept between commands (by hand)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ipledger.operator.engine import connect, default_base_url
from ipledger.operator.testbed.layout import DEFAULT_SUBNET, layout
from ipledger.operator.testbed.testbed import Testbed, require_root
from ipledger.operator.toolchain import cache_root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ipledger.operator.testbed")
    parser.add_argument("action", choices=("up", "down", "status"))
    parser.add_argument("--name", default="ipltb")
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--subnet", default=DEFAULT_SUBNET)
    parser.add_argument("--image", action="append", default=[], help="load this image into every host (repeat)")
    args = parser.parse_args(argv)
    require_root()
    bed = Testbed(layout(args.name, args.hosts, cache_root() / "testbed", args.subnet))
    if args.action == "up":
        bed.start()
        if args.image:
            bed.load_images(connect(default_base_url()), args.image)
        for host in bed.layout.hosts:
            print(f"{host.name} {host.address} DOCKER_HOST={host.base_url} netns={host.netns}")
        print("\n".join(bed.measure().lines()))
    elif args.action == "down":
        for line in bed.stop():
            print(f"removed {line}")
    else:
        left = bed.leftovers()
        print("\n".join(left) if left else f"testbed {args.name}: nothing on this machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
