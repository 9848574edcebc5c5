"""Command line for the simulator: python -m routers.simulator / manage.py routersim."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from .profiles import PROFILES
from .server import Simulator, raise_fd_limit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8728, help="API port of the first router")
    parser.add_argument("--count", type=int, default=1, help="routers on consecutive ports")
    parser.add_argument("--identity", default="MikroTik", help="identity (suffixed -N if count>1)")
    parser.add_argument("--version", dest="ros_version", default="7.16",
                        help="RouterOS version to simulate")
    parser.add_argument("--tls-port", type=int, default=None,
                        help="api-ssl port of the first router (consecutive, like --port); "
                             "api-ssl gets a signed certificate unless --no-certificate")
    parser.add_argument("--no-certificate", action="store_true",
                        help="leave api-ssl without a certificate, as on a new router")
    parser.add_argument("--profile", default="bare", choices=PROFILES,
                        help="factory state: bare (ether1-5 free), defconf (a new hEX), "
                             "chr (Cloud Hosted Router, no /system/routerboard)")
    parser.add_argument("--flash", action="store_true",
                        help="the board has a flash/ directory; other files vanish at reboot")
    parser.add_argument("--quiet", action="store_true", help="print only a summary line")
    from .nas import add_client_command

    add_client_command(parser)  # routersim client: a simulated router as a RADIUS NAS


async def serve(host: str, port: int, count: int, identity: str, version: str,
                tls_port: int | None, quiet: bool, out=sys.stdout, profile: str = "bare",
                flash: bool = False, certificate: bool = True) -> None:
    raise_fd_limit()
    simulator = Simulator(host)
    routers = await simulator.add_many(count, port, identity, version, tls_port,
                                       profile=profile, flash=flash,
                                       certificate=certificate and tls_port is not None)
    for router in routers if not quiet else []:
        tls = f", api-ssl on {router.tls_port}" if router.tls_port else ""
        out.write(f"router {router.name} listening on {host}:{router.port} "
                  f"(RouterOS {router.state.version}, {profile}){tls}\n")
    out.write(f"{len(routers)} router(s) ready; user admin with an empty password; "
              "Ctrl-C stops\n")
    out.flush()
    try:
        await asyncio.Event().wait()
    finally:
        await simulator.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m routers.simulator",
                                     description="Simulated MikroTik routers (RouterOS API).")
    add_arguments(parser)
    args = parser.parse_args(argv)
    if getattr(args, "subcommand", None) == "client":
        from .nas import run_client

        return asyncio.run(run_client(vars(args), args.host, args.port, sys.stdout))
    try:
        asyncio.run(serve(args.host, args.port, args.count, args.identity, args.ros_version,
                          args.tls_port, args.quiet, profile=args.profile, flash=args.flash,
                          certificate=not args.no_certificate))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"routersim: cannot listen: {exc}", file=sys.stderr)
        return 1
    return 0
