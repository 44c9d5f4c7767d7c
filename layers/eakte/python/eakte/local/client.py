"""A small client of the local stack's HTTP API, used by `make run`, the e2e tests and the
benchmark: uploads go through the real path (POST /api/uploads, then the presigned POST)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests

from eakte.models.document import FINAL_STATUSES, SubmissionKind

SETTLED = frozenset(s.value for s in FINAL_STATUSES)  # what LocalClient.wait waits for by default

CONTENT_TYPES = {".pdf": "application/pdf", ".tif": "image/tiff", ".tiff": "image/tiff",
                 ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".xml": "application/xml"}


class ApiError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


@dataclass
class LocalClient:
    base_url: str
    timeout_s: float = 30

    def _check(self, response: requests.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.status_code >= 400:
            raise ApiError(response.status_code, body)
        return body

    def token(self, subject: str, groups: list[str], municipality: str | None = None,
              team: str | None = None) -> str:
        r = requests.post(f"{self.base_url}/local/token", timeout=self.timeout_s, json={
            "sub": subject, "groups": groups, "municipality": municipality, "team": team})
        return self._check(r)["token"]

    def get(self, token: str, path: str, **params: str) -> Any:
        r = requests.get(f"{self.base_url}{path}", params=params or None, timeout=self.timeout_s,
                         headers={"Authorization": f"Bearer {token}"})
        return self._check(r)

    def post(self, token: str, path: str, body: Any) -> Any:
        r = requests.post(f"{self.base_url}{path}", json=body, timeout=self.timeout_s,
                          headers={"Authorization": f"Bearer {token}"})
        return self._check(r)

    def start_upload(self, token: str, filename: str, content_type: str, size: int,
                     kind: SubmissionKind = SubmissionKind.SCAN,
                     concerns: dict[str, str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"kind": kind.value, "filename": filename, "contentType": content_type, "size": size}
        if concerns is not None:
            body["concerns"] = concerns
        return self.post(token, "/api/uploads", body)

    @staticmethod
    def post_form(upload: dict[str, Any], filename: str, data: bytes, content_type: str) -> requests.Response:
        """The presigned POST, as a browser form would send it."""
        return requests.post(upload["url"], data=upload["fields"], timeout=120,
                             files={"file": (filename, data, content_type)})

    def upload(self, token: str, filename: str, data: bytes, content_type: str | None = None,
               kind: SubmissionKind | None = None) -> str:
        suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        content_type = content_type or CONTENT_TYPES.get(suffix, "application/octet-stream")
        kind = kind or (SubmissionKind.MESSAGE if content_type.endswith("xml") else SubmissionKind.SCAN)
        started = self.start_upload(token, filename, content_type, len(data), kind)
        r = self.post_form(started["upload"], filename, data, content_type)
        if r.status_code >= 300:
            raise ApiError(r.status_code, r.text[:500])
        return started["submissionId"]

    def wait(self, token: str, submission_id: str, timeout_s: float = 300,
             settled: frozenset[str] = SETTLED) -> dict[str, Any]:
        """Poll until every document of the submission has a status in `settled`."""
        deadline = time.monotonic() + timeout_s
        delay = 0.2
        while True:
            view = self.get(token, f"/api/submissions/{submission_id}")
            documents = view["documents"]
            if documents and all(d["status"] in settled for d in documents):
                return view
            if time.monotonic() > deadline:
                raise TimeoutError(f"submission {submission_id} still {view['status']} after {timeout_s}s")
            time.sleep(delay)
            delay = min(1.0, delay * 1.5)
