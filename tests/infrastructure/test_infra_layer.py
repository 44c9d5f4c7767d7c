"""The shared layer is bundled on this machine (no Docker) with arm64 wheels, and cached."""

from __future__ import annotations

import subprocess

import pytest

from infra.bundling import (
    CACHE_TAG,
    PROVIDED_BY_RUNTIME,
    LayerBundler,
    compile_bytecode,
    lambda_python,
    runtime_requirements,
)

pytestmark = pytest.mark.infrastructure


def layer_dir(synth):
    # the shared layer (the web app's BucketDeployment brings CDK's AWS CLI layer as well)
    (layer,) = [r for r in synth.of_type("AWS::Lambda::LayerVersion").values()
                if str(r["Properties"].get("LayerName", "")).endswith("-shared")]
    return synth.asset_dir(layer["Properties"]["Content"]["S3Key"])


def test_layer_holds_the_package_and_its_dependencies(textract):
    python = layer_dir(textract) / "python"
    assert (python / "eakte" / "settings.py").is_file()
    assert (python / "pydantic").is_dir()
    assert (python / "aws_lambda_powertools").is_dir()
    # wheels for the Lambda platform, not for this machine
    assert list((python / "pydantic_core").glob("*cpython-312-aarch64-linux-gnu.so"))
    # bytecode of the runtime's Python only (this machine's 3.11 caches are never copied)
    assert {p.name.split(".")[-2] for p in python.rglob("*.pyc")} <= {CACHE_TAG}
    # the local development runtime stays out of the Lambda layer
    assert not (python / "eakte" / "local").exists()


def test_layer_leaves_out_what_the_runtime_provides(textract):
    python = layer_dir(textract) / "python"
    for name in PROVIDED_BY_RUNTIME:
        assert not (python / name).exists()
        assert not list(python.glob(f"{name}-*.dist-info"))


def test_requirements_come_from_pyproject_without_boto3():
    requirements = runtime_requirements()
    assert any(r.startswith("pydantic") for r in requirements)
    assert not any(r.startswith(("boto3", "botocore")) for r in requirements)


def test_cached_dependencies_need_no_pip(textract, monkeypatch, tmp_path):
    bundler = LayerBundler(runtime_requirements())
    assert bundler.dependencies_dir.is_dir()  # left by the session's synth

    run = subprocess.run

    def no_pip(command, *args, **kwargs):
        if "pip" in command:
            raise AssertionError(f"pip ran although the cache exists: {command}")
        return run(command, *args, **kwargs)  # compiling our package's bytecode

    monkeypatch.setattr(subprocess, "run", no_pip)
    assert bundler.try_bundle(str(tmp_path), None) is True
    assert (tmp_path / "python" / "eakte" / "settings.py").is_file()
    assert (tmp_path / "python" / "pydantic").is_dir()


def test_fingerprint_follows_dependencies_and_source(tmp_path):
    package = tmp_path / "eakte"
    package.mkdir()
    (package / "settings.py").write_text("A = 1\n")
    base = LayerBundler(["pydantic>=2"], package=package, cache_root=tmp_path)
    first = base.fingerprint()
    assert LayerBundler(["pydantic>=2"], package=package, cache_root=tmp_path).fingerprint() == first
    assert LayerBundler(["pydantic>=2", "lxml"], package=package, cache_root=tmp_path).fingerprint() != first
    (package / "settings.py").write_text("A = 2\n")
    assert base.fingerprint() != first


@pytest.mark.skipif(lambda_python() is None, reason="no Python 3.12 on this machine: the layer ships source only")
def test_layer_ships_bytecode_of_the_runtime_python(textract):
    """/opt is read-only in Lambda: without .pyc files every cold start compiles the layer."""
    python = layer_dir(textract) / "python"
    for module in (python / "eakte" / "logic" / "identity.py", python / "pydantic" / "main.py"):
        compiled = module.parent / "__pycache__" / f"{module.stem}.{CACHE_TAG}.pyc"
        assert compiled.is_file(), compiled
        # PEP 552 flags: hash-based (bit 0), source not checked (bit 1 clear): the zip keeps no mtimes
        assert int.from_bytes(compiled.read_bytes()[4:8], "little") == 0b01


@pytest.mark.skipif(lambda_python() is None, reason="no Python 3.12 on this machine")
def test_bytecode_is_compiled_by_the_runtime_python(tmp_path):
    (tmp_path / "m.py").write_text("X = 1\n")
    compile_bytecode(lambda_python(), tmp_path)
    assert [p.name for p in (tmp_path / "__pycache__").iterdir()] == [f"m.{CACHE_TAG}.pyc"]


def test_without_bytecode_the_dependencies_are_cached_apart():
    with_bytecode = LayerBundler(["pydantic>=2"], runtime_python="/usr/bin/python3.12")
    source_only = LayerBundler(["pydantic>=2"], bytecode=False)
    assert source_only.runtime_python is None
    assert with_bytecode.dependencies_dir != source_only.dependencies_dir
