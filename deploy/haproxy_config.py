"""The HAProxy configuration for N Streamlit replicas, rendered from the one template, ``deploy/haproxy.cfg``.

    python deploy/haproxy_config.py --replicas 2 --address 'mlp-playground-app-{n}:8501' --bind :8501

prints the configuration (``--out`` writes it to a file): replica n (1 … N) is the server ``r<n>`` at the address
with ``{n}`` replaced, and its visitors carry the cookie ``mlp-replica=r<n>``. ``deploy/serve.py`` renders it for
its replicas on loopback; ``compose.yaml`` for its containers.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from string import Template

TEMPLATE = (Path(__file__).resolve().parent / "haproxy.cfg").read_text()
COOKIE = re.search(r"^\s*cookie (\S+)", TEMPLATE, re.MULTILINE).group(1)  # the cookie that pins a browser


def server_name(n: int) -> str:
    return f"r{n}"


def render(bind: str, addresses: list[str]) -> str:
    """The configuration with visitors connecting at ``bind`` and replica n at ``addresses[n - 1]`` ("host:port")."""
    servers = "\n".join(f"    server {server_name(n)} {address} cookie {server_name(n)}"
                        for n, address in enumerate(addresses, start=1))
    return Template(TEMPLATE).substitute(bind=bind, servers=servers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, required=True, help="how many replicas")
    parser.add_argument("--address", required=True, help="replica n's host:port, with {n} for its number")
    parser.add_argument("--bind", required=True, help="where visitors connect, as HAProxy's bind takes it")
    parser.add_argument("--out", type=Path, help="write the configuration here instead of printing it")
    args = parser.parse_args()
    text = render(args.bind, [args.address.format(n=n) for n in range(1, args.replicas + 1)])
    if args.out:
        args.out.write_text(text)
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
