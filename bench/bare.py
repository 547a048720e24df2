"""The baseline: a bare Litestar endpoint returning a small JSON, served like `grants serve`.

Run as `python -m bench.bare --port P [--workers N]`: the same uvicorn.run arguments
as grants/cli.py (proxy headers, log level info with access log), so
the only difference to the grants server is the application itself.
"""

from __future__ import annotations

import argparse
import os

from litestar import Litestar, get


@get("/")
async def hello() -> dict[str, str]:
    return {"status": "ok", "app": "bare"}


def create_app() -> Litestar:
    return Litestar(route_handlers=[hello], debug=False)


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m bench.bare")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    uvicorn.run(
        "bench.bare:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        log_level="info",
    )


if __name__ == "__main__":
    main()
