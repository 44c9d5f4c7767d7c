"""Deployment settings read from CDK context (`-c key=value` or cdk.json "context").

Only *deployment* choices live here; resource names and limits come from `eakte.settings`.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Node

from eakte.settings import DEFAULT_STAGE, OcrEngineKind

STAGE = "stage"  # -c stage=prod: names become eakte-prod-*
OCR_ENGINE = "ocrEngine"  # textract (default) | tesseract (container image, e.g. where Textract is missing)
WEB_ORIGINS = "webOrigins"  # comma-separated origins of the SPA, for CORS; "*" when unset
NAG = "nag"  # cdk-nag AwsSolutions checks, on by default
NIST = "nist"  # cdk-nag NIST 800-53 rev 5 checks as well, on by default
FEDERAL_ENDPOINT = "federalEndpointUrl"  # the sedex gateway the forward stage delivers to
DEFAULT_FEDERAL_ENDPOINT = "https://sedex-gateway.invalid/"  # deliveries fail (and wait) until configured


def _flag(value: object, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() not in {"false", "0", "no", "off", ""}


@dataclass(frozen=True)
class Deployment:
    stage: str = DEFAULT_STAGE
    ocr_engine: OcrEngineKind = OcrEngineKind.TEXTRACT
    web_origins: tuple[str, ...] = ("*",)
    nag: bool = True
    nist: bool = True
    federal_endpoint_url: str = DEFAULT_FEDERAL_ENDPOINT

    @classmethod
    def from_context(cls, node: Node) -> Deployment:
        origins = node.try_get_context(WEB_ORIGINS)
        if isinstance(origins, str):
            origins = [o.strip() for o in origins.split(",") if o.strip()]
        return cls(
            stage=str(node.try_get_context(STAGE) or DEFAULT_STAGE),
            ocr_engine=OcrEngineKind(node.try_get_context(OCR_ENGINE) or OcrEngineKind.TEXTRACT),
            web_origins=tuple(origins) if origins else cls.web_origins,
            nag=_flag(node.try_get_context(NAG), default=cls.nag),
            nist=_flag(node.try_get_context(NIST), default=cls.nist),
            federal_endpoint_url=str(node.try_get_context(FEDERAL_ENDPOINT) or DEFAULT_FEDERAL_ENDPOINT),
        )
