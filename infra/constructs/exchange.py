"""The message side: eCH / XAusländer messages that intake accepts go to the exchange queue.

Today this is the wiring that exists: the exchange queue (made from `settings.STAGES` with the
other stage queues) and intake's permission to send to it. The consumer that validates messages
against the official XSDs and forwards them to the federal endpoint comes with the message
exchange work; until then `settings.CONSUMED_STAGES` leaves EXCHANGE out, and messages wait in
the queue, visible and counted (the observability alarms watch their age), never dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct

from eakte.settings import CONSUMED_STAGES, Stage
from infra.constructs.function import EakteFunction
from infra.constructs.pipeline import StageQueue


class Exchange(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, queue: StageQueue,
                 senders: Sequence[EakteFunction]) -> None:
        super().__init__(scope, construct_id)
        if queue.stage is not Stage.EXCHANGE:
            raise ValueError(f"the exchange construct takes the exchange queue, not {queue.stage}")
        if Stage.EXCHANGE in CONSUMED_STAGES:
            # settings promise a consumer this app does not deploy: fail the synth, not the messages
            raise ValueError("settings.CONSUMED_STAGES includes EXCHANGE, but no exchange consumer "
                             "is defined in infra/constructs/exchange.py")
        self.queue = queue
        for sender in senders:
            sender.send_to(queue.queue)
