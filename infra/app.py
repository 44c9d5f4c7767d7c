#!/usr/bin/env python3
"""CDK app of eAkte Migration: one stack, `eakte-<stage>`.

    .venv/bin/python infra/app.py                       # writes cdk.out/ (no Docker needed)
    npx cdk synth -c ocrEngine=tesseract -c stage=prod  # the same through the CDK CLI

Context: stage (default "dev"), ocrEngine (textract | tesseract), webOrigins (comma-separated,
default "*"), nag (AwsSolutions checks, default true), nist (NIST 800-53 r5 checks, default true).
Account and region come from CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION (set by the CDK CLI from
your credentials), else the local placeholders from eakte.settings.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

# `python infra/app.py` puts infra/ first on sys.path, where the infra/constructs package would
# shadow the `constructs` library: import this app as the `infra` package from the repo root.
_ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _ROOT / "infra"]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import aws_cdk as cdk  # noqa: E402

from eakte.settings import DEFAULT_REGION, LOCAL_ACCOUNT, Names  # noqa: E402
from infra import ROOT  # noqa: E402
from infra.config import Deployment  # noqa: E402
from infra.nag import apply_checks  # noqa: E402
from infra.stack import EakteStack  # noqa: E402


def project_context() -> dict[str, object]:
    """cdk.json's context (feature flags), so a plain `python infra/app.py` synthesizes exactly
    what `cdk synth` does; the CLI passes the same values (and any -c) on top."""
    return json.loads((ROOT / "cdk.json").read_text(encoding="utf-8")).get("context", {})


def environment() -> cdk.Environment:
    return cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT") or LOCAL_ACCOUNT,
                           region=os.environ.get("CDK_DEFAULT_REGION") or DEFAULT_REGION)


def build(app: cdk.App) -> EakteStack:
    """The stack (and the cdk-nag checks the context asks for) on `app`."""
    deployment = Deployment.from_context(app.node)
    stack = EakteStack(app, Names(deployment.stage).prefix, deployment=deployment, env=environment())
    apply_checks(app, deployment)
    return stack


def main() -> None:
    app = cdk.App(context=project_context(), outdir=os.environ.get("CDK_OUTDIR") or str(ROOT / "cdk.out"))
    build(app)
    app.synth()


if __name__ == "__main__":
    main()
