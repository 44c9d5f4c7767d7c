"""`make ops` / `python -m eakte.local.ops` — the ops overview of the running local stack in the
terminal: queue depths, DLQ contents, documents per status, recent failures with correlation ids.
It asks the stack's API (GET /api/ops/overview, role ops), which reads the emulated SQS and
DynamoDB: the same figures the CloudWatch dashboard shows in AWS."""

from __future__ import annotations

import argparse
import os
import sys
import time

import requests

from eakte.local.client import ApiError, LocalClient
from eakte.logic.ops import OpsOverview, render
from eakte.settings import LOCAL_HOST, LOCAL_PORT


def fetch(client: LocalClient) -> OpsOverview:
    token = client.token("ops-terminal", ["ops"])
    return OpsOverview.model_validate(client.get(token, "/api/ops/overview"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eakte.local.ops", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("EAKTE_PORT", LOCAL_PORT)))
    parser.add_argument("--watch", type=float, default=0, help="refresh every N seconds (Ctrl-C to stop)")
    args = parser.parse_args(argv)
    client = LocalClient(f"http://{LOCAL_HOST}:{args.port}")
    try:
        while True:
            screen = render(fetch(client))
            print(("\033[2J\033[H" if args.watch else "") + screen, flush=True)
            if not args.watch:
                return 0
            time.sleep(args.watch)
    except requests.ConnectionError:
        print(f"no local stack on {client.base_url}; start it with `make run`", file=sys.stderr)
        return 2
    except ApiError as e:
        print(f"the stack answered {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
