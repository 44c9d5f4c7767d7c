"""The local stack on one port: API (as API Gateway proxy events), dev issuer, web app."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from eakte.local.federal import FederalStandIn, federal_route, start_federal_stand_in
from eakte.local.hosted_ui import PATHS as SIGN_IN_PATHS
from eakte.local.hosted_ui import HostedUi
from eakte.local.issuer import DevIssuer
from eakte.local.lambda_host import LambdaContext, StagePoller, load_handler
from eakte.local.moto_process import start_moto_process
from eakte.local.resources import LocalAws, apply_environment, create_resources
from eakte.local.scheduler import ScheduledFunction, sweeper_schedule
from eakte.settings import API, CONSUMED_STAGES, LOCAL_AUDIENCE, LOCAL_HOST, STAGES, Names

MAX_API_BODY = 1024 * 1024  # our JSON bodies are small; API Gateway itself stops at 10 MB
LOCAL_WORKERS = 2  # per stage: this machine has two cores, Tesseract uses them fully
# One: Powertools' resolver keeps the current request on its *class* (BaseRouter.current_event),
# shared by every API module instance in this process. With four "containers" serving at once, a
# request was now and then resolved with another's event: under the chaos test's load an upload's
# bytes went to the key (and declared size) of another request's POST /api/uploads. In Lambda each
# process handles one event at a time, so this holds only for the local runtime, which serves one
# API request at a time (tests/unit/test_local_api.py checks the premise).
API_CONTAINERS = 1


def repo_root() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "functions").is_dir():
            return parent
    raise FileNotFoundError("cannot find the repository root (pyproject.toml + functions/)")


@dataclass
class LocalStack:
    port: int
    root: Path = field(default_factory=repo_root)
    aws: LocalAws | None = None
    issuer: DevIssuer | None = None
    pollers: list[StagePoller] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stop_event: threading.Event = field(default_factory=threading.Event)
    _httpd: ThreadingHTTPServer | None = None
    _moto: Any = None
    _api_pool: queue.Queue[ModuleType] = field(default_factory=queue.Queue)
    federal: FederalStandIn | None = None
    sign_in: HostedUi | None = None  # Cognito's hosted UI endpoints (code + PKCE), below /local
    sweeper: ScheduledFunction | None = None  # the sweeper on its schedule (EventBridge in AWS)

    @property
    def base_url(self) -> str:
        return f"http://{LOCAL_HOST}:{self.port}"

    def start(self) -> None:
        self._moto = start_moto_process()  # its own process: the other core, not our interpreter lock
        host, port = self._moto.get_host_and_port()
        self.aws = create_resources(Names(), f"http://{host}:{port}")
        issuer_url = f"{self.base_url}/local"
        self.issuer = DevIssuer(issuer_url, LOCAL_AUDIENCE)
        self.sign_in = HostedUi(self.issuer, LOCAL_AUDIENCE, [f"{self.base_url}/"])
        apply_environment(self.aws.handler_environment(issuer_url, f"{issuer_url}/jwks.json", LOCAL_AUDIENCE))
        self.federal = start_federal_stand_in(self.aws)  # the forward stage delivers here (loopback)
        for _ in range(API_CONTAINERS):
            self._api_pool.put(load_handler(self.root / "functions", API.function))
        for stage in CONSUMED_STAGES:
            workers = min(LOCAL_WORKERS, STAGES[stage].max_concurrency)
            poller = StagePoller(self.aws, stage, self.root / "functions", workers, self.stop_event,
                                 self.errors.append)
            poller.start()
            self.pollers.append(poller)
        self.sweeper = sweeper_schedule(self.root / "functions", self.aws.names, self.stop_event, self.errors.append)
        self.sweeper.start()
        self._httpd = ThreadingHTTPServer((LOCAL_HOST, self.port), _make_handler(self))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True, name="http").start()

    def stop(self) -> None:
        self.stop_event.set()
        if self.federal:
            self.federal.stop()
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
        time.sleep(1.2)  # pollers finish their long poll
        if self._moto:
            self._moto.stop()

    @contextmanager
    def api_container(self) -> Iterator[ModuleType]:
        # a container serves one request at a time, as in Lambda (and see API_CONTAINERS)
        module = self._api_pool.get()
        try:
            yield module
        finally:
            self._api_pool.put(module)

    def stats(self) -> dict[str, Any]:
        return {p.stage.value: vars(p.stats) for p in self.pollers} | {"errors": self.errors[-20:]}


def api_gateway_event(method: str, raw_path: str, headers: dict[str, str], body: str | None,
                      source_ip: str) -> dict[str, Any]:
    """An API Gateway REST proxy event (payload 1.0), as the /api/{proxy+} resource sends it."""
    parts = urlsplit(raw_path)
    multi = parse_qs(parts.query, keep_blank_values=True)
    return {
        "resource": "/api/{proxy+}",
        "path": parts.path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in multi.items()} or None,
        "multiValueQueryStringParameters": multi or None,
        "pathParameters": {"proxy": parts.path.removeprefix("/api/")},
        "stageVariables": None,
        "requestContext": {
            "requestId": str(uuid.uuid4()), "stage": "local", "httpMethod": method, "path": parts.path,
            "resourcePath": "/api/{proxy+}", "identity": {"sourceIp": source_ip},
            "requestTimeEpoch": int(time.time() * 1000),
        },
        "body": body,
        "isBase64Encoded": False,
    }


_STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css",
                 ".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json",
                 ".ico": "image/x-icon", ".woff2": "font/woff2"}


def _make_handler(stack: LocalStack) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "eakte-local"
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: the run prints its own summary

        def _send(self, status: int, body: bytes, content_type: str = "application/json",
                  headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, code: str, message: str) -> None:
            self._send(status, json.dumps({"error": {"code": code, "message": message}}).encode())

        def _body(self) -> bytes | None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_API_BODY:
                self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body_too_large",
                            f"request bodies are limited to {MAX_API_BODY} bytes")
                self.close_connection = True
                return None
            return self.rfile.read(length) if length else b""

        def do_GET(self) -> None:
            self._route()

        def do_POST(self) -> None:
            self._route()

        def do_PATCH(self) -> None:
            self._route()

        def do_PUT(self) -> None:
            self._route()

        def do_DELETE(self) -> None:
            self._route()

        def _route(self) -> None:
            path = urlsplit(self.path).path
            body = self._body()
            if body is None:
                return
            if path.startswith("/api/") or path == "/api":
                self._api(body)
            elif path == "/local/token" and self.command == "POST":
                self._token(body)
            elif path in SIGN_IN_PATHS and self.command in {"GET", "POST"}:
                reply = stack.sign_in.handle(self.command, self.path, body,  # type: ignore[union-attr]
                                             self.headers.get("Content-Type"))
                self._send(reply.status, reply.body, reply.content_type, dict(reply.headers or {}))
            elif path == "/local/jwks.json":
                self._send(200, json.dumps(stack.issuer.jwks()).encode())  # type: ignore[union-attr]
            elif path == "/local/stats":
                self._send(200, json.dumps(stack.stats()).encode())
            elif path.startswith("/local/federal/") and stack.federal is not None:
                self._send(*federal_route(stack.federal, self.command, self.path, body))
            elif self.command == "GET":
                self._static(path)
            else:
                self._error(404, "no_route", f"no endpoint {self.command} {path}")

        def _api(self, body: bytes) -> None:
            try:
                text = body.decode("utf-8") if body else None
            except UnicodeDecodeError:
                self._error(400, "invalid_encoding", "the request body must be UTF-8")
                return
            event = api_gateway_event(self.command, self.path, dict(self.headers.items()), text,
                                      self.client_address[0])
            with stack.api_container() as module:
                context = LambdaContext(function_name=stack.aws.names.function(API.function),  # type: ignore[union-attr]
                                        memory_limit_in_mb=API.memory_mb, timeout_s=API.timeout_s)
                try:
                    response = module.handler(event, context)
                except Exception as e:  # noqa: BLE001 - what API Gateway shows when the Lambda crashes
                    stack.errors.append(f"api: {e!r}")
                    self._error(502, "internal_error", "the API function failed")
                    return
            headers = {k: v for k, v in (response.get("headers") or {}).items() if k.lower() != "content-length"}
            content_type = headers.pop("Content-Type", "application/json")
            self._send(response["statusCode"], (response.get("body") or "").encode(), content_type, headers)

        def _token(self, body: bytes) -> None:
            request = None
            with contextlib.suppress(ValueError):  # not JSON: answered below like any bad shape
                request = json.loads(body or b"{}")
            if not isinstance(request, dict) or not isinstance(request.get("sub"), str) \
                    or not isinstance(request.get("groups"), list):
                self._error(400, "invalid_request", 'give {"sub": str, "groups": [str], "municipality"?, "team"?}')
                return
            try:
                token = stack.issuer.issue(  # type: ignore[union-attr]
                    request["sub"], [str(g) for g in request["groups"]],
                    municipality=request.get("municipality"), team=request.get("team"))
            except ValueError as e:  # unknown group
                self._error(400, "invalid_request", str(e))
                return
            self._send(200, json.dumps({"token": token}).encode())

        def _static(self, path: str) -> None:
            web = stack.root / "web"
            site = web / "dist" if (web / "dist" / "index.html").exists() else web
            target = (site / path.lstrip("/")).resolve()
            if path in {"", "/"} or not target.is_file():
                target = site / "index.html"  # single-page app: unknown paths load the app
            if not target.resolve().is_relative_to(site.resolve()) or not target.is_file():
                self._error(404, "not_found", path)
                return
            self._send(200, target.read_bytes(), _STATIC_TYPES.get(target.suffix, "application/octet-stream"),
                       {"Cache-Control": "no-cache"})

    return Handler
