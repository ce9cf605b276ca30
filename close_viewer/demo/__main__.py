"""Run the demo server on its own: `python -m close_viewer.demo [--port N] [--latency S]`.

Prints its base URL on the first line, then serves until stdin closes or Ctrl+C.
"""

from __future__ import annotations

import argparse
import contextlib
import sys

from close_viewer.demo.server import DEMO_API_KEY, DemoServer


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m close_viewer.demo")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds to hold back every answer")
    args = parser.parse_args()
    with DemoServer(port=args.port, latency=args.latency) as server:
        print(server.base_url, flush=True)
        print(f"demo API key: {DEMO_API_KEY}", file=sys.stderr, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            sys.stdin.read()


if __name__ == "__main__":
    main()
