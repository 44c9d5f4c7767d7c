"""ocrEngine=tesseract: synth works without Docker and yields a container-image OCR function whose
build context holds everything its Dockerfile copies."""

from __future__ import annotations

import re
import shlex

import pytest

from eakte.settings import STAGES, EnvVar, Names, Stage
from infra.bundling import OCR_DOCKERFILE

pytestmark = pytest.mark.infrastructure

NAMES = Names()


def functions_by_name(synth) -> dict[str, dict]:
    return {r["Properties"]["FunctionName"]: r["Properties"] for r in synth.of_type("AWS::Lambda::Function").values()
            if "FunctionName" in r["Properties"]}


def test_ocr_function_is_an_arm64_image(tesseract):
    ocr = functions_by_name(tesseract)[NAMES.function(STAGES[Stage.OCR].function)]
    assert ocr["PackageType"] == "Image"
    assert ocr["Architectures"] == ["arm64"]
    assert "Layers" not in ocr and "Runtime" not in ocr
    assert ocr["Environment"]["Variables"][EnvVar.OCR_ENGINE] == "tesseract"
    assert EnvVar.TEXTRACT_TOPIC_ARN not in ocr["Environment"]["Variables"]


def test_other_functions_stay_zip_packages(tesseract):
    fns = functions_by_name(tesseract)
    for stage in (Stage.INTAKE, Stage.CLASSIFY, Stage.INDEX):
        assert fns[NAMES.function(STAGES[stage].function)]["Runtime"] == "python3.12"


def test_no_textract_resources(tesseract):
    assert NAMES.textract_topic not in tesseract.template_text()
    assert "textract.amazonaws.com" not in tesseract.template_text()
    for policy in tesseract.of_type("AWS::IAM::Policy").values():
        assert "textract:" not in str(policy["Properties"]["PolicyDocument"])


def _copy_sources(dockerfile: str) -> list[str]:
    """Sources of COPY instructions that read the build context (not --from another stage)."""
    sources = []
    for line in re.sub(r"\\\n", " ", dockerfile).splitlines():
        words = shlex.split(line.strip(), comments=False) if line.strip().startswith("COPY") else []
        if words and not any(w.startswith("--from") for w in words):
            sources += [w for w in words[1:-1] if not w.startswith("--")]
    return sources


def test_image_build_context_is_staged_and_complete(tesseract):
    (image,) = tesseract.assets_manifest()["dockerImages"].values()
    source = image["source"]
    assert source["platform"] == "linux/arm64"
    assert source["dockerFile"] == OCR_DOCKERFILE
    context = tesseract.outdir / source["directory"]
    dockerfile = (context / OCR_DOCKERFILE).read_text(encoding="utf-8")
    assert "public.ecr.aws/lambda/python:3.12-arm64" in dockerfile
    sources = _copy_sources(dockerfile)
    assert "functions/ocr/handler.py" in sources
    for path in sources:
        assert (context / path).exists(), f"the Dockerfile copies {path}, missing from the staged context"
    # the context is narrowed: no virtualenv, caches or other functions are sent to Docker
    assert not (context / ".venv").exists() and not (context / ".build").exists()
    assert not (context / "functions" / "intake").exists()
    assert (context / "layers/eakte/python/eakte/settings.py").is_file()
