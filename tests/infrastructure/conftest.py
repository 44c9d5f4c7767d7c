"""Synthesizes the eAkte stack once per OCR engine per test session (no Docker, no AWS account)."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # `infra` is imported as a package from the repository root
# Set before jsii starts its node process (on the first aws_cdk import).
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
for var in ("CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION", "CDK_CONTEXT_JSON"):
    os.environ.pop(var, None)  # the tests pin account, region and context themselves

import aws_cdk as cdk  # noqa: E402
from aws_cdk.assertions import Template  # noqa: E402

from infra import config  # noqa: E402
from infra.app import build, project_context  # noqa: E402
from infra.stack import EakteStack  # noqa: E402


@dataclass
class Synth:
    stack: EakteStack
    template: Template
    outdir: Path

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.template.to_json()["Resources"]

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {lid: r for lid, r in self.resources.items() if r["Type"] == resource_type}

    def template_text(self) -> str:
        return (self.outdir / self.stack.template_file).read_text(encoding="utf-8")

    def asset_dir(self, s3_key: str) -> Path:
        """The staged directory of a zip asset, from the S3 key the template points at."""
        return self.outdir / f"asset.{s3_key.removesuffix('.zip')}"

    def assets_manifest(self) -> dict[str, Any]:
        return json.loads((self.outdir / f"{self.stack.artifact_id}.assets.json").read_text(encoding="utf-8"))


def synthesize(outdir: Path, **context: object) -> Synth:
    ctx = project_context()
    ctx.update(context)
    # cdk-nag findings are asserted through Annotations (tests print them all); in the app they
    # also fail the synth via the validation report.
    ctx["@aws-cdk/core:annotationsInValidationReport"] = False
    app = cdk.App(context=ctx, outdir=str(outdir))
    stack = build(app)
    app.synth()
    return Synth(stack=stack, template=Template.from_stack(stack), outdir=outdir)


@pytest.fixture(scope="session")
def textract(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """The default deployment: Textract OCR, both nag packs."""
    return synthesize(tmp_path_factory.mktemp("cdk-textract"))


@pytest.fixture(scope="session")
def tesseract(tmp_path_factory: pytest.TempPathFactory) -> Synth:
    """ocrEngine=tesseract: the OCR function becomes a container image (built only at deploy)."""
    return synthesize(tmp_path_factory.mktemp("cdk-tesseract"), **{config.OCR_ENGINE: "tesseract"})


@pytest.fixture(scope="session", params=["textract", "tesseract"])
def either(request: pytest.FixtureRequest) -> Synth:
    return request.getfixturevalue(request.param)
