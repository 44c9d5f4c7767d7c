"""Integration tests: the real handlers against moto's server on loopback, with the same
resources the local runtime (and CDK) create. Events come from the real S3 → SQS path."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any

import pytest
import requests

from eakte.local.issuer import DevIssuer
from eakte.local.lambda_host import LambdaContext, load_handler, sqs_record
from eakte.local.resources import LocalAws, apply_environment, create_resources, start_moto
from eakte.local.stack import api_gateway_event, repo_root
from eakte.settings import LOCAL_AUDIENCE, STAGES, Names, Stage


class JwksServer:
    """Serves a dev issuer's JWKS on loopback, as Cognito serves its own."""

    def __init__(self) -> None:
        issuer_holder: dict[str, DevIssuer] = {}

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                body = json.dumps(issuer_holder["issuer"].jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.issuer = DevIssuer(f"{self.url}/issuer", LOCAL_AUDIENCE)
        issuer_holder["issuer"] = self.issuer
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


class Harness:
    def __init__(self, aws: LocalAws, jwks: JwksServer) -> None:
        self.aws = aws
        self.jwks = jwks
        self.sqs = aws.client("sqs")
        self.s3 = aws.client("s3")
        self._modules: dict[str, ModuleType] = {}

    def handler(self, function: str) -> ModuleType:
        if function not in self._modules:
            self._modules[function] = load_handler(repo_root() / "functions", function)
        return self._modules[function]

    def receive(self, stage: Stage, wait_s: int = 1) -> list[dict[str, Any]]:
        return self.sqs.receive_message(QueueUrl=self.aws.queue_urls[stage], MaxNumberOfMessages=10,
                                        WaitTimeSeconds=wait_s, AttributeNames=["All"]).get("Messages", [])

    def deliver(self, stage: Stage, messages: list[dict[str, Any]]) -> dict[str, Any]:
        """Invoke the stage's handler with the messages as one SQS batch event; delete successes."""
        settings = STAGES[stage]
        event = {"Records": [sqs_record(m, f"arn:aws:sqs:{self.aws.region}:000000000000:q", self.aws.region)
                             for m in messages]}
        context = LambdaContext(function_name=settings.function, memory_limit_in_mb=settings.memory_mb,
                                timeout_s=settings.timeout_s)
        response = self.handler(settings.function).handler(event, context)
        failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
        for m in messages:
            if m["MessageId"] not in failed:
                self.sqs.delete_message(QueueUrl=self.aws.queue_urls[stage], ReceiptHandle=m["ReceiptHandle"])
        return response

    def pump(self, stage: Stage) -> int:
        """Deliver everything waiting in the stage's queue; returns how many records ran."""
        count = 0
        while messages := self.receive(stage, wait_s=0):
            self.deliver(stage, messages)
            count += len(messages)
        return count

    def api(self, method: str, path: str, token: str | None = None, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if body is not None:
            headers["Content-Type"] = "application/json"
        raw = body if isinstance(body, str) or body is None else json.dumps(body)
        event = api_gateway_event(method, path, headers, raw, "127.0.0.1")
        response = self.handler("api").handler(event, LambdaContext("api", 1024, 29))
        return response["statusCode"], json.loads(response["body"]) if response.get("body") else None

    def token(self, groups: list[str], municipality: str | None = None, subject: str = "tester",
              team: str | None = None) -> str:
        return self.jwks.issuer.issue(subject, groups, municipality=municipality, team=team)

    def upload(self, token: str, filename: str, data: bytes, content_type: str, kind: str = "scan") -> str:
        status, body = self.api("POST", "/api/uploads", token, {
            "kind": kind, "filename": filename, "contentType": content_type, "size": len(data)})
        assert status == 200, body
        r = requests.post(body["upload"]["url"], data=body["upload"]["fields"],
                          files={"file": (filename, data, content_type)}, timeout=30)
        assert r.status_code < 300, r.text
        return body["submissionId"]

    def purge(self) -> None:
        """Empty every queue (SQS allows one PurgeQueue a minute, so receive and delete)."""
        for url in [*self.aws.queue_urls.values(), *self.aws.dlq_urls.values()]:
            while messages := self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                       VisibilityTimeout=0).get("Messages", []):
                for m in messages:
                    self.sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


@pytest.fixture(scope="session")
def harness() -> Iterator[Harness]:
    server = start_moto()
    host, port = server.get_host_and_port()
    aws = create_resources(Names(stage="it"), f"http://{host}:{port}")
    jwks = JwksServer()
    apply_environment(aws.handler_environment(jwks.issuer.issuer, f"{jwks.url}/jwks.json", LOCAL_AUDIENCE))
    yield Harness(aws, jwks)
    jwks.httpd.shutdown()
    server.stop()


@pytest.fixture
def h(harness: Harness) -> Iterator[Harness]:
    harness.purge()
    yield harness
