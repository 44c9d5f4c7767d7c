"""In-memory adapters of the exchange ports, for unit tests (no network, no AWS)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from eakte.errors import ConflictError, TransientError
from eakte.exchange.model import FederalMessage, MessageStatus
from eakte.ports import FederalEndpoint, FederalOutbox, MessageStore


@dataclass
class MemoryMessageStore(MessageStore):
    messages: dict[str, FederalMessage] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def create(self, message: FederalMessage) -> bool:
        with self._lock:
            if message.message_id in self.messages:
                return False
            self.messages[message.message_id] = message
            return True

    def get(self, message_id: str) -> FederalMessage | None:
        return self.messages.get(message_id)

    def save(self, message: FederalMessage, expected_version: int) -> None:
        with self._lock:
            current = self.messages.get(message.message_id)
            if current is None or current.version != expected_version:
                raise ConflictError(f"message {message.message_id} changed")
            self.messages[message.message_id] = message

    def in_group(self, group_id: str, sequence: int) -> FederalMessage | None:
        return next((m for m in self.messages.values() if m.group_id == group_id and m.group_sequence == sequence),
                    None)

    def next_sequence(self, group_id: str) -> int:
        with self._lock:
            self.sequences[group_id] = self.sequences.get(group_id, 0) + 1
            return self.sequences[group_id]

    def query(self, submission_id: str | None = None, dossier_id: str | None = None,
              status: MessageStatus | None = None, limit: int = 100) -> list[FederalMessage]:
        chosen = [m for m in self.messages.values()
                  if (submission_id is None or m.submission_id == submission_id)
                  and (dossier_id is None or m.dossier_id == dossier_id)
                  and (status is None or m.status is status)]
        return sorted(chosen, key=lambda m: m.updated_at, reverse=True)[:limit]


@dataclass
class MemoryOutbox(FederalOutbox):
    queued: list[tuple[str, str, int]] = field(default_factory=list)  # (message id, group, requeued)
    correlation: dict[str, str | None] = field(default_factory=dict)  # message id -> correlation id

    def enqueue(self, message_id: str, group_id: str, requeued: int = 0, correlation_id: str | None = None) -> str:
        if (message_id, group_id, requeued) not in self.queued:  # FIFO deduplication
            self.queued.append((message_id, group_id, requeued))
            self.correlation[message_id] = correlation_id
        return f"{message_id}~{requeued}"


@dataclass
class RecordingEndpoint(FederalEndpoint):
    """Accepts deliveries (or fails the next `fail_next` ones transiently) and remembers them."""

    delivered: list[tuple[str, bytes, bytes]] = field(default_factory=list)
    fail_next: int = 0

    def deliver(self, message_id: str, envelope: bytes, payload: bytes) -> None:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise TransientError("endpoint down (scripted)")
        self.delivered.append((message_id, envelope, payload))
