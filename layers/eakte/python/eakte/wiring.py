"""Builds the adapters from the environment, once per container (cold start), lazily so
that importing a handler stays cheap and tests can set the environment first."""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from eakte.faults import inject  # off unless EAKTE_FAULT_INJECTION is set
from eakte.settings import EnvVar, OcrEngineKind


def env(name: EnvVar) -> str:
    value = os.environ.get(name)
    if not value:
        # a deployment mistake, not bad input: fail loudly at first use
        raise KeyError(f"environment variable {name.value} is not set")
    return value


@cache
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    # Adaptive retries: client-side rate limiting + backoff on throttles (botocore's own).
    config = Config(retries={"mode": "adaptive", "max_attempts": 6}, connect_timeout=5, read_timeout=60)
    return boto3.client(service, config=config)


@cache
def records() -> Any:
    from eakte.adapters.aws import DynamoRecordStore

    return inject(DynamoRecordStore(client("dynamodb"), env(EnvVar.TABLE)), "records")


@cache
def audit_trail() -> Any:
    from eakte.adapters.archived_audit import ArchivedAuditTrail
    from eakte.adapters.aws import DynamoAuditTrail

    # every event also as an immutable object under Object Lock in the archive bucket
    trail = ArchivedAuditTrail(DynamoAuditTrail(client("dynamodb"), env(EnvVar.TABLE)), objects(),
                               env(EnvVar.ARCHIVE_BUCKET))
    return inject(trail, "audit")


@cache
def objects() -> Any:
    from eakte.adapters.aws import S3ObjectStore

    return inject(S3ObjectStore(client("s3")), "objects")


@cache
def queue() -> Any:
    from eakte.adapters.aws import SqsQueue

    return inject(SqsQueue.from_env(client("sqs"), os.environ), "queue")


@cache
def pipeline_monitor() -> Any:
    from eakte.adapters.ops_aws import AwsPipelineMonitor
    from eakte.settings import names_from_env

    return AwsPipelineMonitor(client("sqs"), client("dynamodb"), env(EnvVar.TABLE), names_from_env())


@cache
def buckets() -> Any:
    from eakte.logic.intake import Buckets

    return Buckets(intake=env(EnvVar.INTAKE_BUCKET), archive=env(EnvVar.ARCHIVE_BUCKET))


@cache
def ocr_engine() -> Any:
    kind = OcrEngineKind(os.environ.get(EnvVar.OCR_ENGINE, OcrEngineKind.TEXTRACT))
    if kind is OcrEngineKind.TESSERACT:
        from eakte.adapters.tesseract import TesseractOcrEngine

        languages = os.environ.get(EnvVar.OCR_LANGUAGES)
        return TesseractOcrEngine(objects(), languages) if languages else TesseractOcrEngine(objects())
    from eakte.adapters.textract import TextractOcrEngine, make_textract_client

    return TextractOcrEngine(make_textract_client(os.environ.get("AWS_REGION") or None),
                             sns_topic_arn=env(EnvVar.TEXTRACT_TOPIC_ARN),
                             role_arn=env(EnvVar.TEXTRACT_ROLE_ARN))


@cache
def stale_documents() -> Any:
    from eakte.adapters.status_index import DynamoStaleDocuments

    return DynamoStaleDocuments(client("dynamodb"), env(EnvVar.TABLE))


@cache
def dead_letters() -> Any:
    """The stages' DLQs (the sweeper puts a document it gives up on there, for the redrive)."""
    from eakte.adapters.status_index import dead_letter_queues
    from eakte.settings import Stage, names_from_env, queue_env

    urls = {s: os.environ[queue_env(s)] for s in Stage if queue_env(s) in os.environ}
    return dead_letter_queues(client("sqs"), urls, names_from_env())


def ocr_jobs() -> Any:
    """The OCR engine if it runs asynchronous jobs (Textract), else None."""
    from eakte.ports import OcrJobs

    engine = ocr_engine()
    return engine if isinstance(engine, OcrJobs) else None
