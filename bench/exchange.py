"""Federal message exchange benchmark: N generated eCH-0020 person events through the local stack
end to end (upload -> validate -> file -> forward over SQS FIFO -> federal stand-in -> receipt).

    python bench/exchange.py [-n 5000] [--failure-rate 0.1] [--outage 30] [--url http://127.0.0.1:8080]

Persons get ten events each (arrival, then residence permit changes), sent in waves: a person's
next event is uploaded after the canton accepted the previous one, as a municipality's register
emits them. While the messages flow, the federal stand-in fails `--failure-rate` of deliveries
transiently and is down for `--outage` seconds in the middle. Prints a table and writes JSON:
messages/s, p50/p95 upload->ACKNOWLEDGED, and lost / duplicated / out-of-order counts (all must be 0).
N comes from -n or BENCH_EXCHANGE_N (default 5000)."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.pipeline import local_stack, percentile  # noqa: E402
from bench.report import exit_on_sigterm, print_rows, write_result  # noqa: E402
from eakte.local.client import LocalClient  # noqa: E402
from samples.events import event_message_id, event_person, person_event  # noqa: E402

EVENTS_PER_PERSON = 10
UPLOAD_THREADS = 8
STALL_S = 20  # a wave without progress this long: look for uploads refused before the exchange


def exchange_done(base: str) -> int:
    stats = requests.get(f"{base}/local/stats", timeout=10).json()["exchange"]
    return stats["records"] - stats["failures"]


def run(n: int, url: str | None, failure_rate: float, outage_s: float, timeout_s: float) -> dict[str, Any]:
    persons = max(1, -(-n // EVENTS_PER_PERSON))
    run_id = f"bench-{time.time_ns()}"
    plan = [(p, seq) for seq in range(EVENTS_PER_PERSON) for p in range(persons)][:n]
    waves = [[(p, s) for p, s in plan if s == seq] for seq in range(EVENTS_PER_PERSON)]
    with local_stack(url) as base:
        client = LocalClient(base, timeout_s=60)
        sender = client.token("bench-municipality", ["municipality"], municipality="bfs-bench")
        reader = client.token("bench-caseworker", ["caseworker"], team="team-a")
        federal = f"{base}/local/federal"
        requests.post(f"{federal}/control", json={"reset": True, "failureRate": failure_rate}, timeout=10)
        uploads: dict[tuple[int, int], tuple[str, float]] = {}
        done_before = exchange_done(base)
        t0 = time.time()

        def upload(item: tuple[int, int]) -> None:
            p, seq = item
            started = time.time()
            submission = client.upload(sender, f"event-{p}-{seq}.xml", person_event(event_person(p), seq, run=run_id))
            uploads[item] = (submission, started)

        waves_s: list[dict[str, Any]] = []
        refused: dict[tuple[int, int], str] = {}  # uploads the pipeline refused before the exchange

        def refused_at_intake(wave: list[tuple[int, int]]) -> None:
            """A wave that stalls: find uploads that intake REJECTED (they never reach the exchange
            and count as lost below) instead of waiting for them until the timeout."""
            for item in wave:
                if item not in refused:
                    view = client.get(sender, f"/api/submissions/{uploads[item][0]}")
                    if view["status"] == "REJECTED":
                        refused[item] = "; ".join(f"{d['reason']}: {d.get('reasonDetail')}" for d in view["documents"])

        with ThreadPoolExecutor(max_workers=UPLOAD_THREADS) as pool:
            for number, wave in enumerate(waves):
                if not wave:
                    continue
                if outage_s and number == len([w for w in waves if w]) // 2:
                    # the endpoint goes down in the middle of the run (while deliveries are in flight)
                    requests.post(f"{federal}/control", json={"downForSeconds": outage_s}, timeout=10)
                wave_t0 = time.monotonic()
                list(pool.map(upload, wave))
                uploaded_at = time.monotonic()
                deadline = time.monotonic() + timeout_s
                progress, stalled_since = -1, time.monotonic()
                # accepted by the exchange before the next wave
                while (done := exchange_done(base) - done_before) < len(uploads) - len(refused):
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"wave {number}: the exchange stage did not accept the uploads")
                    if done != progress:
                        progress, stalled_since = done, time.monotonic()
                    elif time.monotonic() - stalled_since > STALL_S:
                        refused_at_intake(wave)
                        stalled_since = time.monotonic()
                    time.sleep(0.2)
                # per wave, so a slow run shows where its time goes (uploads or the exchange)
                waves_s.append({"uploads": len(wave), "upload_s": round(uploaded_at - wave_t0, 1),
                                "accepted_s": round(time.monotonic() - wave_t0, 1)})
                print(f"wave {number + 1}: {len(wave)} uploaded in {waves_s[-1]['upload_s']} s, accepted by the "
                      f"exchange after {waves_s[-1]['accepted_s']} s", file=sys.stderr, flush=True)
        uploaded_s = time.time() - t0
        deadline = time.monotonic() + timeout_s
        while True:
            stats = requests.get(f"{federal}/stats", timeout=10).json()
            if stats["accepted"] >= len(plan) - len(refused) and stats["pendingReceipts"] == 0:
                break
            if time.monotonic() > deadline:
                break  # counted as lost below
            time.sleep(0.5)

        def outcome(item: tuple[int, int]) -> tuple[tuple[int, int], dict[str, Any] | None]:
            submission, _ = uploads[item]
            for _ in range(60):  # the last receipts may still be in the receipt queue
                items = client.get(reader, "/api/messages", submissionId=submission)["items"]
                if items and items[0]["status"] in {"ACKNOWLEDGED", "NACKED"}:
                    return item, items[0]
                time.sleep(0.5)
            return item, (items[0] if items else None)

        def outcomes_of_person(p: int) -> list[tuple[tuple[int, int], dict[str, Any] | None]]:
            """A person's messages with one query by dossier (the emulated table answers each query
            by reading every item, so 5,000 queries by submission would take longer than the run);
            what that misses is asked for one by one."""
            mine = [item for item in uploads if item[0] == p and item not in refused]
            first = outcome(min(mine, key=lambda item: item[1])) if mine else None
            by_submission: dict[str, dict[str, Any]] = {}
            if first and first[1] and first[1].get("dossierId"):
                found = client.get(reader, "/api/messages", dossierId=first[1]["dossierId"])["items"]
                by_submission = {m["submissionId"]: m for m in found if m.get("submissionId")}
            result = []
            for item in mine:
                m = by_submission.get(uploads[item][0])
                done = m is not None and m["status"] in {"ACKNOWLEDGED", "NACKED"}
                result.append((item, m) if done else outcome(item))
            return result

        with ThreadPoolExecutor(max_workers=UPLOAD_THREADS) as pool:
            outcomes = {k: v for person in pool.map(outcomes_of_person, range(persons)) for k, v in person}
        stats = requests.get(f"{federal}/stats?arrivals=1", timeout=30).json()
        local = requests.get(f"{base}/local/stats", timeout=10).json()

    acknowledged = {k: m for k, m in outcomes.items() if m and m["status"] == "ACKNOWLEDGED"}
    ack_at = {k: datetime.fromisoformat(next(e["at"] for e in m["history"] if e["status"] == "ACKNOWLEDGED")
                                        .replace("Z", "+00:00")).timestamp() for k, m in acknowledged.items()}
    latencies = [ack_at[k] - uploads[k][1] for k in ack_at]
    # order check: per person, the municipality's messages must reach the federal stand-in in event order
    reference_of = {event_message_id(event_person(p), seq, run_id): (p, seq) for p, seq in plan}
    seen: dict[int, int] = {}
    out_of_order = 0
    for arrival in stats["arrivals"]:
        key = reference_of.get(arrival["reference"])
        if key is None:
            continue
        p, seq = key
        if seen.get(p, -1) > seq:
            out_of_order += 1
        seen[p] = max(seen.get(p, -1), seq)
    elapsed = (max(ack_at.values()) - t0) if ack_at else float("nan")
    return {
        "messages": len(plan),
        "persons": persons,
        "failure_rate": failure_rate,
        "outage_s": outage_s,
        "acknowledged": len(acknowledged),
        "lost": len(plan) - len(acknowledged),
        "duplicated": stats["duplicates"],
        "out_of_order": out_of_order,
        "refused_at_intake": {f"event-{p}-{seq}": reason for (p, seq), reason in refused.items()},
        "transient_failures_injected": stats["transientFailures"],
        "refused_while_down": stats["refusedWhileDown"],
        "uploads_s": round(uploaded_s, 1),
        "waves": waves_s,
        "elapsed_s": round(elapsed, 1),
        "messages_per_s": round(len(acknowledged) / elapsed, 2) if ack_at else 0.0,
        "upload_to_ack_p50_s": round(percentile(latencies, 50), 2) if latencies else None,
        "upload_to_ack_p95_s": round(percentile(latencies, 95), 2) if latencies else None,
        "handler_errors": local.get("errors", [])[-5:],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }


def print_table(r: dict[str, Any]) -> None:
    rows = [
        ("messages (persons)", f"{r['messages']} ({r['persons']})"),
        ("transient failures / outage", f"{r['failure_rate']:.0%} of deliveries / {r['outage_s']:.0f} s ("
                                        f"{r['transient_failures_injected']} failed, "
                                        f"{r['refused_while_down']} refused)"),
        ("elapsed (first upload → last ACK)", f"{r['elapsed_s']} s"),
        ("messages / s", r["messages_per_s"]),
        ("upload→ACKNOWLEDGED p50", f"{r['upload_to_ack_p50_s']} s"),
        ("upload→ACKNOWLEDGED p95", f"{r['upload_to_ack_p95_s']} s"),
        ("acknowledged", r["acknowledged"]),
        ("lost", r["lost"] if not r["refused_at_intake"] else
         f"{r['lost']} ({len(r['refused_at_intake'])} refused at intake: "
         f"{'; '.join(sorted(set(r['refused_at_intake'].values())))[:200]})"),
        ("duplicated", r["duplicated"]),
        ("out of order", r["out_of_order"]),
    ]
    print_rows(rows)


def main() -> int:
    exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=int(os.environ.get("BENCH_EXCHANGE_N", "5000")))
    parser.add_argument("--failure-rate", type=float, default=0.1)
    parser.add_argument("--outage", type=float, default=30.0, help="seconds the endpoint is down mid-run")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds to wait per phase")
    parser.add_argument("--url", default=None, help="a running local stack; default: start one")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "exchange.json")
    args = parser.parse_args()
    result = run(args.n, args.url, args.failure_rate, args.outage, args.timeout)
    print_table(result)
    write_result(args.out, result)
    print(f"\nwritten to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0 if result["lost"] == result["duplicated"] == result["out_of_order"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
