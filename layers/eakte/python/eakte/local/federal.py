"""A local stand-in for the federal endpoint (the sedex gateway of the federal register).

It listens on loopback, validates every delivered message against the same official schemas
(eCH-0090 v2 envelope, eCH-0020 v3 data), accepts it with 202 and answers later, asynchronously
like sedex, with an eCH-0090 receipt: 100 when valid, 310 with the validator's finding when not.
It can be told to fail a fraction of deliveries transiently (503), or exactly the next few (a
test that must finish in bounded time: retries back off exponentially), or to be down for a while:

    POST /control {"failureRate": 0.1}      {"failNext": 2}
                  {"down": true} / {"down": false}    {"downForSeconds": 30}     {"reset": true}
    GET  /stats   counts; GET /stats?arrivals=1 also lists every accepted delivery in order
"""

from __future__ import annotations

import contextlib
import heapq
import json
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from eakte.exchange import ech
from eakte.exchange.model import MessageRejection
from eakte.exchange.parsing import parse_message
from eakte.exchange.schemas import ECH_0020_V3, ECH_0090_V2, validate
from eakte.settings import LOCAL_HOST, SEDEX_FEDERAL_ID

MAX_BODY = 12 * 1024 * 1024


@dataclass
class Arrival:
    message_id: str
    person: str | None  # AHV number of the person the event is about
    reference: str | None  # the eCH-0058 referenceMessageId: the municipality's original message
    at: float
    valid: bool
    business_reference: str | None = None  # eCH-0058 ourBusinessReferenceId: the canton's correlation id


@dataclass
class FederalStandIn:
    on_receipt: Callable[[bytes], None]
    receipt_delay_s: tuple[float, float] = (0.05, 0.3)
    failure_rate: float = 0.0
    seed: int | None = None
    arrivals: list[Arrival] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {
        "accepted": 0, "duplicates": 0, "invalid": 0, "transientFailures": 0, "refusedWhileDown": 0,
        "receiptsSent": 0, "receiptErrors": 0})
    _down_until: float = 0.0
    _fail_next: int = 0  # deliveries still to fail (control "failNext")
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pending: list[tuple[float, int, bytes]] = field(default_factory=list)
    _wake: threading.Condition = field(default_factory=threading.Condition)
    _stop: threading.Event = field(default_factory=threading.Event)
    _seen: set[str] = field(default_factory=set)
    _httpd: ThreadingHTTPServer | None = None
    _n: int = 0

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - fault injection, not crypto

    # --- lifecycle
    def start(self, port: int = 0) -> str:
        self._httpd = ThreadingHTTPServer((LOCAL_HOST, port), _handler(self))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True, name="federal-http").start()
        threading.Thread(target=self._send_receipts, daemon=True, name="federal-receipts").start()
        return self.url

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("the federal stand-in is not started")
        return f"http://{LOCAL_HOST}:{self._httpd.server_address[1]}"

    def stop(self) -> None:
        self._stop.set()
        with self._wake:
            self._wake.notify_all()
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    # --- control
    @property
    def down(self) -> bool:
        return time.monotonic() < self._down_until

    def control(self, request: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            if request.get("reset"):
                self.arrivals.clear()
                self._seen.clear()
                self.counts = dict.fromkeys(self.counts, 0)
                self.failure_rate = 0.0
                self._down_until = 0.0
                self._fail_next = 0
            if "failureRate" in request:
                rate = float(request["failureRate"])
                if not 0.0 <= rate <= 1.0:
                    raise ValueError("failureRate must be between 0 and 1")
                self.failure_rate = rate
            if "failNext" in request:
                count = int(request["failNext"])
                if count < 0:
                    raise ValueError("failNext must not be negative")
                self._fail_next = count
            if "down" in request:
                self._down_until = float("inf") if request["down"] else 0.0
            if "downForSeconds" in request:
                self._down_until = time.monotonic() + float(request["downForSeconds"])
        return self.stats(False)

    def stats(self, with_arrivals: bool) -> dict[str, Any]:
        with self._lock:
            body: dict[str, Any] = {**self.counts, "failureRate": self.failure_rate, "failNext": self._fail_next,
                                    "down": self.down,
                                    "pendingReceipts": len(self._pending)}
            if with_arrivals:
                body["arrivals"] = [{"messageId": a.message_id, "person": a.person, "reference": a.reference,
                                     "businessReference": a.business_reference, "at": a.at, "valid": a.valid}
                                    for a in self.arrivals]
        return body

    # --- deliveries
    def receive(self, body: bytes) -> tuple[int, dict[str, Any]]:
        """One delivery: (HTTP status, JSON answer)."""
        with self._lock:
            if self.down:
                self.counts["refusedWhileDown"] += 1
                return 503, {"error": "the federal endpoint is down"}
            if self._fail_next or (self.failure_rate and self._random.random() < self.failure_rate):
                self._fail_next = max(0, self._fail_next - 1)
                self.counts["transientFailures"] += 1
                return 503, {"error": "transient failure (injected)"}
        try:
            request = json.loads(body)
            message_id = str(request["messageId"])
            envelope_xml, payload_xml = str(request["envelope"]).encode(), str(request["payload"]).encode()
        except (ValueError, KeyError, TypeError):
            return 400, {"error": "expected JSON {messageId, envelope, payload}"}
        try:
            envelope = parse_message(envelope_xml)
        except MessageRejection as e:
            return 400, {"error": f"unreadable envelope: {e}"}
        problems = validate(envelope, ECH_0090_V2)
        if problems:
            return 400, {"error": f"invalid envelope: {problems[0]}"}
        status_code, info, person, reference, business_reference = ech.RECEIPT_OK, "message received", None, None, None
        try:
            payload = parse_message(payload_xml)
            findings = validate(payload, ECH_0020_V3)
            if findings:
                status_code, info = ech.RECEIPT_SCHEMA_INVALID, f"schema_invalid: {findings[0]}"
            vn = payload.xpath("//e44:vn", namespaces=ech.NS)
            person = vn[0].text if vn else None
            ref = payload.xpath("//e58:referenceMessageId", namespaces=ech.NS)
            reference = ref[0].text if ref else None
            business_reference = ech.read_business_reference(payload)
        except MessageRejection as e:
            status_code, info = ech.RECEIPT_UNREADABLE, str(e)
        sender = envelope.xpath("e90:senderId", namespaces=ech.NS)[0].text
        recipient = envelope.xpath("e90:recipientId", namespaces=ech.NS)[0].text or SEDEX_FEDERAL_ID
        message_type = envelope.xpath("e90:messageType", namespaces=ech.NS)[0].text
        receipt = ech.build_receipt(message_id, message_type, recipient, sender, status_code, info,
                                    datetime.now(UTC))
        with self._lock:
            if message_id in self._seen:
                self.counts["duplicates"] += 1
            else:
                self._seen.add(message_id)
                self.counts["accepted"] += 1
                if status_code != ech.RECEIPT_OK:
                    self.counts["invalid"] += 1
                self.arrivals.append(Arrival(message_id, person, reference, time.time(),
                                             status_code == ech.RECEIPT_OK, business_reference))
            due = time.monotonic() + self._random.uniform(*self.receipt_delay_s)
            self._n += 1
            with self._wake:
                heapq.heappush(self._pending, (due, self._n, receipt))
                self._wake.notify()
        return 202, {"accepted": message_id}

    def _send_receipts(self) -> None:
        while not self._stop.is_set():
            with self._wake:
                while not self._stop.is_set() and (not self._pending or self._pending[0][0] > time.monotonic()):
                    timeout = self._pending[0][0] - time.monotonic() if self._pending else 1.0
                    self._wake.wait(timeout=max(0.005, timeout))
                if self._stop.is_set():
                    return
                _, _, receipt = heapq.heappop(self._pending)
            try:
                self.on_receipt(receipt)
                with self._lock:
                    self.counts["receiptsSent"] += 1
            except Exception:  # noqa: BLE001 - the inbox is unreachable: try again shortly, never drop
                with self._lock:
                    self.counts["receiptErrors"] += 1
                with self._wake:
                    self._n += 1
                    heapq.heappush(self._pending, (time.monotonic() + 1.0, self._n, receipt))
                time.sleep(0.1)


def _handler(stand_in: FederalStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "federal-stand-in"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes | None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.close_connection = True
                self._answer(413, {"error": "too large"})
                return None
            return self.rfile.read(length) if length else b""

        def do_POST(self) -> None:
            body = self._body()
            if body is None:
                return
            path = urlsplit(self.path).path
            if path == "/messages":
                self._answer(*stand_in.receive(body))
            elif path == "/control":
                request: Any = None
                with contextlib.suppress(ValueError):
                    request = json.loads(body or b"{}")
                if not isinstance(request, dict):
                    self._answer(400, {"error": "expected a JSON object"})
                    return
                try:
                    self._answer(200, stand_in.control(request))
                except (ValueError, TypeError) as e:
                    self._answer(400, {"error": str(e)})
            else:
                self._answer(404, {"error": f"no endpoint POST {path}"})

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if parts.path == "/stats":
                self._answer(200, stand_in.stats("arrivals" in parse_qs(parts.query)))
            else:
                self._answer(404, {"error": f"no endpoint GET {parts.path}"})

    return Handler


def receipt_to_queue(sqs: Any, queue_url: str) -> Callable[[bytes], None]:
    """Receipts land in the receipt queue, as the sedex adapter's inbox would hand them on."""

    def send(receipt: bytes) -> None:
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"receipt": receipt.decode("utf-8")}))

    return send


def start_federal_stand_in(aws: Any) -> FederalStandIn:
    """Part of the local stack: started on loopback, its URL given to the handlers; receipts go to
    the receipt queue. EAKTE_FEDERAL_FAILURE_RATE sets an initial transient failure rate."""
    from eakte.local.resources import apply_environment
    from eakte.settings import EnvVar, Stage

    stand_in = FederalStandIn(on_receipt=receipt_to_queue(aws.client("sqs"), aws.queue_urls[Stage.RECEIPT]),
                              failure_rate=float(os.environ.get("EAKTE_FEDERAL_FAILURE_RATE", "0") or 0))
    apply_environment({EnvVar.FEDERAL_ENDPOINT_URL: stand_in.start()})
    return stand_in


def federal_route(stand_in: FederalStandIn, method: str, raw_path: str, body: bytes) -> tuple[int, bytes]:
    """/local/federal/control and /local/federal/stats on the local stack's own port."""
    parts = urlsplit(raw_path)
    name = parts.path.removeprefix("/local/federal/")
    try:
        if name == "control" and method == "POST":
            request = json.loads(body or b"{}")
            if not isinstance(request, dict):
                raise TypeError("expected a JSON object")
            return 200, json.dumps(stand_in.control(request)).encode()
        if name == "stats" and method == "GET":
            return 200, json.dumps(stand_in.stats("arrivals" in parse_qs(parts.query))).encode()
    except (ValueError, TypeError) as e:
        return 400, json.dumps({"error": {"code": "invalid_request", "message": str(e)}}).encode()
    return 404, json.dumps({"error": {"code": "no_route", "message": f"no endpoint {method} {parts.path}"}}).encode()
