"""The message side: eCH messages from intake -> exchange (validate against the official XSDs,
file into the dossier) -> forward (SQS FIFO, one message group per person) -> federal endpoint,
whose receipts arrive on the receipt queue.

The queues (the forward queue and its DLQ are FIFO), the three functions and their event sources
are made by the Pipeline construct from `eakte.settings.STAGES`, like every stage; the alarms on
their queues and DLQs come from Observability. This construct adds what is specific to the
exchange: intake's permission to send to the exchange queue, the functions' access to the
archive (originals in, forwarded messages and receipts out), and the federal endpoint's URL.
The sedex gateway (outside this stack) is given send permission on the receipt queue when it is
connected (`receipt_queue`)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_sqs as sqs
from constructs import Construct

from eakte.settings import CONSUMED_STAGES, EnvVar, Stage, queue_env
from infra.constructs.function import EakteFunction
from infra.constructs.pipeline import Pipeline
from infra.constructs.storage import Storage

EXCHANGE_STAGES = (Stage.EXCHANGE, Stage.FORWARD, Stage.RECEIPT)
MESSAGES_PREFIX = "messages/"  # forwarded deliveries, envelopes and receipts in the archive


class Exchange(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, pipeline: Pipeline, storage: Storage,
                 senders: Sequence[EakteFunction], federal_endpoint_url: str) -> None:
        super().__init__(scope, construct_id)
        missing = [s for s in EXCHANGE_STAGES if s not in CONSUMED_STAGES or s not in pipeline.functions]
        if missing:
            # settings and infrastructure must agree: fail the synth, not the messages
            raise ValueError(f"the exchange stages {missing} have no consumer function")
        self.queue = pipeline.queues[Stage.EXCHANGE]
        self.receipt_queue: sqs.IQueue = pipeline.queues[Stage.RECEIPT].queue
        for sender in senders:
            sender.send_to(self.queue.queue)

        exchange = pipeline.functions[Stage.EXCHANGE]
        exchange.read_objects(storage.archive, "documents/*")  # the archived original message
        exchange.put_objects(storage.archive, f"{MESSAGES_PREFIX}*")  # forwarded delivery, envelope, receipt
        exchange.put_objects(storage.archive, "documents/*")  # a police report's attached PDFs, for OCR

        forward = pipeline.functions[Stage.FORWARD]
        forward.read_objects(storage.archive, f"{MESSAGES_PREFIX}*")
        forward.function.add_environment(EnvVar.FEDERAL_ENDPOINT_URL, federal_endpoint_url)
        self.functions = {s: pipeline.functions[s] for s in EXCHANGE_STAGES}
        self._forward_queue: sqs.IQueue = pipeline.queues[Stage.FORWARD].queue
        self._archive = storage.archive

    def allow_caseworker_messages(self, api: EakteFunction) -> None:
        """The API queues caseworkers' own federal messages (POST /api/dossiers/{id}/messages) on
        the forward queue, after storing their delivery, envelope and draft below messages/."""
        api.send_to(self._forward_queue)
        api.function.add_environment(queue_env(Stage.FORWARD), self._forward_queue.queue_url)
        api.put_objects(self._archive, f"{MESSAGES_PREFIX}*")
