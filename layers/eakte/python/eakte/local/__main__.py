"""`python -m eakte.local` — start the local stack, push the bundled samples through the real
upload path, print one line per sample, and serve until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from eakte.local.client import LocalClient
from eakte.local.stack import LocalStack
from eakte.models.document import SubmissionKind
from eakte.settings import LOCAL_PORT


def sample_files(directory: Path) -> list[Path]:
    return sorted(p for sub in ("scans", "messages") for p in (directory / sub).glob("*") if p.is_file())


def run_samples(stack: LocalStack, directory: Path, timeout_s: float) -> int:
    """Upload every sample as a municipality would, print one line per sample as a caseworker sees
    it; the number of samples that failed (no answer in time, an API error)."""
    client = LocalClient(stack.base_url)
    # a municipality uploads the samples; a caseworker of team a reads what became of them
    sender = client.token("gemeinde-demo-user", ["municipality"], municipality="bfs-230")
    reader = client.token("caseworker-demo", ["caseworker"], team="team-a")
    files = sample_files(directory)
    if not files:
        print(f"no samples in {directory}", flush=True)
        return 0

    def one(path: Path) -> str:
        started = time.monotonic()
        try:
            submission_id = client.upload(sender, path.name, path.read_bytes())
            is_message = path.suffix.lower() == ".xml"
            view = client.wait(sender, submission_id, timeout_s)
        except Exception as e:  # noqa: BLE001 - one sample's failure is printed, the others go on
            return f"{path.name:<40} → ERROR {e}"
        seconds = time.monotonic() - started
        doc = view["documents"][0]
        if doc["status"] == "REJECTED":
            return f"{path.name:<40} → REJECTED ({doc['reason']}: {doc['reasonDetail']}) {seconds:5.1f}s"
        detail = client.get(reader, f"/api/documents/{doc['documentId']}")
        if is_message:
            forwarded = client.get(reader, "/api/messages", submissionId=submission_id)["items"]
            federal = ", ".join(f"federal {m['status']}" for m in forwarded) or "not forwarded"
            return (f"{path.name:<40} → {detail['status']:<12} {SubmissionKind.MESSAGE.value:<20} "
                    f"dossier {detail['dossierId'] or '(inbox)':<16} {federal}  {seconds:5.1f}s")
        confidence = detail["confidence"] if detail["confidence"] is not None else 0.0
        return (f"{path.name:<40} → {detail['status']:<12} {detail['documentType'] or '-':<20} "
                f"conf {confidence:4.2f}  dossier {detail['dossierId'] or '(inbox)':<16} "
                f"ocr {detail['ocrChars']:>5} chars  {seconds:5.1f}s")

    print(f"uploading {len(files)} samples from {directory} through POST /api/uploads + presigned POST …",
          flush=True)
    failed = 0
    with ThreadPoolExecutor(max_workers=4) as pool:
        for line in pool.map(one, files):
            print(line, flush=True)
            failed += " → ERROR " in line
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eakte.local", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("EAKTE_PORT", LOCAL_PORT)))
    parser.add_argument("--samples", type=Path, default=None, help="folder with scans/ and messages/")
    parser.add_argument("--exit-after-samples", action="store_true",
                        help="stop instead of serving; exit status 1 if a sample failed")
    parser.add_argument("--timeout", type=float, default=600, help="seconds to wait per sample")
    args = parser.parse_args(argv)

    # Powertools warns on every invocation that adds no metric; in a terminal that is only noise
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    t0 = time.monotonic()
    stack = LocalStack(port=args.port)
    try:
        stack.start()
    except OSError as e:
        print(f"cannot start on 127.0.0.1:{args.port}: {e} (set EAKTE_PORT to use another port)",
              file=sys.stderr)
        return 2
    print(f"eAkte local stack serving on {stack.base_url} (ready in {time.monotonic() - t0:.1f}s); "
          f"AWS emulation at {stack.aws.endpoint}", flush=True)  # type: ignore[union-attr]
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        failed = run_samples(stack, args.samples, args.timeout) if args.samples else 0
        if args.exit_after_samples:
            return 1 if failed else 0
        print("serving until Ctrl-C …", flush=True)
        while not stopping.wait(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping …", flush=True)
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
