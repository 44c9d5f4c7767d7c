"""`python -m eakte.local.redrive` — move the messages in the dead-letter queues back to their
stage queues, so the stage tries them again (after the cause is fixed). One command, for the
local stack and for AWS:

    python -m eakte.local.redrive --endpoint http://127.0.0.1:PORT          # local stack, all stages
    python -m eakte.local.redrive --stage ocr --stage index                 # AWS (credentials from env)
    python -m eakte.local.redrive --dry-run                                 # only count

The stages take redriven messages back: a document marked FAILED by a stage's last attempt
(reason `<stage>_failed`) is worked on again by that stage (see logic.stages.StageBase.load).
In AWS, `aws sqs start-message-move-task --source-arn <dlq-arn>` does the same for one queue.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from dataclasses import dataclass
from typing import Any

from eakte.settings import DEFAULT_REGION, STAGES, Names, Stage


@dataclass(frozen=True)
class Redriven:
    stage: Stage
    moved: int
    left: int  # still in the DLQ (dry run, or the limit was reached)


def queue_url(sqs: Any, name: str) -> str | None:
    try:
        return sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except sqs.exceptions.QueueDoesNotExist:
        return None


def depth(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def redrive_stage(sqs: Any, names: Names, stage: Stage, limit: int | None = None,
                  dry_run: bool = False) -> Redriven:
    dlq, source = queue_url(sqs, names.dlq(stage)), queue_url(sqs, names.queue(stage))
    if dlq is None or source is None:
        return Redriven(stage, 0, 0)
    moved = 0
    while not dry_run and (limit is None or moved < limit):
        messages = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                       VisibilityTimeout=60, AttributeNames=["All"],
                                       MessageAttributeNames=["All"]).get("Messages", [])
        if not messages:
            break
        for message in messages[: None if limit is None else limit - moved]:
            send: dict[str, Any] = {"QueueUrl": source, "MessageBody": message["Body"]}
            if message.get("MessageAttributes"):
                send["MessageAttributes"] = message["MessageAttributes"]
            if STAGES[stage].fifo:
                send["MessageGroupId"] = message["Attributes"]["MessageGroupId"]
                send["MessageDeduplicationId"] = f"redrive-{uuid.uuid4()}"
            sqs.send_message(**send)  # first send, then delete: a crash in between duplicates, never loses
            sqs.delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
    return Redriven(stage, moved, depth(sqs, dlq))


def redrive(sqs: Any, names: Names, stages: list[Stage] | None = None, limit: int | None = None,
            dry_run: bool = False) -> list[Redriven]:
    return [redrive_stage(sqs, names, stage, limit, dry_run) for stage in stages or list(STAGES)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eakte.local.redrive", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", action="append", choices=[s.value for s in STAGES],
                        help="a stage whose DLQ to redrive (repeatable; default: all)")
    parser.add_argument("--endpoint", help="AWS endpoint, e.g. the local stack's moto server")
    parser.add_argument("--region", default=DEFAULT_REGION)
    parser.add_argument("--deployment", default=Names().stage, help="deployment stage of the names (dev)")
    parser.add_argument("--limit", type=int, default=None, help="at most this many messages per queue")
    parser.add_argument("--dry-run", action="store_true", help="only show what is in each DLQ")
    args = parser.parse_args(argv)

    import boto3

    kwargs: dict[str, Any] = {"region_name": args.region}
    if args.endpoint:
        kwargs |= {"endpoint_url": args.endpoint, "aws_access_key_id": "testing",
                   "aws_secret_access_key": "testing"}  # moto accepts any credentials
    sqs = boto3.client("sqs", **kwargs)
    stages = [Stage(s) for s in args.stage] if args.stage else None
    results = redrive(sqs, Names(stage=args.deployment), stages, args.limit, args.dry_run)
    for r in results:
        print(f"{r.stage.value:<12} moved {r.moved:>5}   left in DLQ {r.left:>5}")
    print(f"redrove {sum(r.moved for r in results)} message(s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
