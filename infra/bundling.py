"""Assets without Docker: the shared layer is bundled on this machine, the OCR image only at deploy.

The layer (`layers/eakte`) holds the `eakte` package plus the runtime dependencies from
pyproject.toml `[project.dependencies]`. pip downloads wheels for the Lambda platform
(Python 3.12 on arm64, Amazon Linux 2023) into `.build/layer-deps-<hash>`; that cache makes
every later synth (and the infrastructure tests) offline and fast. CDK never falls back to
Docker bundling: `try_bundle` either bundles or raises.

Bytecode: /opt is read-only in Lambda, so a layer without .pyc files is compiled from source at
every cold start (pydantic, Powertools and our package: easily more than the import itself). With
an interpreter of the runtime's version on this machine (`EAKTE_LAMBDA_PYTHON`, `python3.12` on
PATH, or a pyenv 3.12), the layer ships bytecode compiled by it, in unchecked-hash mode (no
source timestamps to compare: the asset zip does not keep them). Without one the layer ships
source only and synth says so; bytecode of another Python version would be ignored by Lambda.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, DockerImage, IgnoreMode, ILocalBundling
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_lambda as lambda_

from infra import ROOT
from infra.bytecode import CACHE_TAG, LAMBDA_PYTHON_ENV, PYTHON_VERSION, compile_bytecode, lambda_python

LAYER_DIR = ROOT / "layers" / "eakte"
LAYER_PACKAGE = LAYER_DIR / "python" / "eakte"
BUILD_DIR = ROOT / ".build"
OCR_DOCKERFILE = "functions/ocr/Dockerfile"

RUNTIME = lambda_.Runtime.PYTHON_3_12
ARCHITECTURE = lambda_.Architecture.ARM_64
# The Python 3.12 runtime runs on Amazon Linux 2023 (glibc 2.34), so wheels of any of these
# manylinux generations load there; pip does not expand manylinux_2_x tags by itself.
WHEEL_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64", "manylinux_2_34_aarch64")
# Shipped by the Lambda runtime. botocore alone is ~30 MB and arrives transitively
# (aws-xray-sdk), so these are removed after pip ran, not only left out of the request.
PROVIDED_BY_RUNTIME = frozenset({"boto3", "botocore", "s3transfer"})
# The official eCH XSDs the exchange validates against: copied from the shared standards folder
# into the layer at bundling time (python/eakte/schemas/ech), never committed to this repository.
ECH_SCHEMA_SOURCE = ROOT.parent / "shared" / "standards" / "ech"
LAYER_SCHEMA_DIR = ("eakte", "schemas", "ech")
# eakte/local is the embedded development runtime (moto, dev issuer): never shipped to Lambda
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "local")


def _dist_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement.strip())
    if not match:
        raise ValueError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(0)).lower()


def runtime_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """The layer's pip requirements: the project's runtime dependencies minus the runtime's own."""
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    return sorted(d for d in dependencies if _dist_name(d) not in PROVIDED_BY_RUNTIME)


def _files(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


@jsii.implements(ILocalBundling)
class LayerBundler:
    """Bundles `python/<deps>` + `python/eakte` into the asset's output directory."""

    def __init__(self, requirements: Sequence[str], package: Path = LAYER_PACKAGE,
                 cache_root: Path = BUILD_DIR, python: str = sys.executable,
                 schema_source: Path = ECH_SCHEMA_SOURCE, runtime_python: str | None = None,
                 bytecode: bool = True) -> None:
        self.schema_source = schema_source
        self.requirements = list(requirements)
        self.package = package
        self.cache_root = cache_root
        self.python = python
        # compiles the layer's bytecode (None: the layer ships source only)
        self.runtime_python = (runtime_python or lambda_python()) if bytecode else None
        if bytecode and self.runtime_python is None:
            print(f"warning: no Python {PYTHON_VERSION} here (set {LAMBDA_PYTHON_ENV}): the layer ships without "
                  "bytecode and Lambda compiles it at every cold start", file=sys.stderr)

    @property
    def pip_args(self) -> list[str]:
        platforms = [arg for p in WHEEL_PLATFORMS for arg in ("--platform", p)]
        return [*platforms, "--implementation", "cp", "--python-version", PYTHON_VERSION,
                "--only-binary=:all:", *self.requirements]

    @property
    def dependencies_key(self) -> str:
        spec = {"pip": self.pip_args, "pruned": sorted(PROVIDED_BY_RUNTIME),
                "bytecode": CACHE_TAG if self.runtime_python else None}
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def dependencies_dir(self) -> Path:
        return self.cache_root / f"layer-deps-{self.dependencies_key}"

    def fingerprint(self) -> str:
        """Asset hash: the dependency set plus the package's source (and the schemas it ships), so
        any change redeploys."""
        digest = hashlib.sha256(self.dependencies_key.encode())
        for path in _files(self.package):
            digest.update(path.relative_to(self.package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
        for path in self.schema_files():
            digest.update(path.name.encode() + b"\0")
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def schema_files(self) -> list[Path]:
        from eakte.exchange.schemas import REQUIRED_SCHEMAS

        missing = [n for n in REQUIRED_SCHEMAS if not (self.schema_source / n).is_file()]
        if missing:
            raise FileNotFoundError(f"official eCH schemas missing in {self.schema_source}: {missing}")
        return [self.schema_source / n for n in REQUIRED_SCHEMAS]

    def install_dependencies(self) -> Path:
        """pip once per dependency set; later calls (and offline runs) reuse the cache."""
        target = self.dependencies_dir
        if target.is_dir():
            return target
        self.cache_root.mkdir(parents=True, exist_ok=True)
        # Install beside the cache and rename: an interrupted pip never leaves a half cache,
        # and two parallel synths (pytest-xdist) cannot mix their files.
        staging = Path(tempfile.mkdtemp(prefix=f"{target.name}.", dir=self.cache_root))
        try:
            subprocess.run([self.python, "-m", "pip", "install", "--quiet", "--no-compile",
                            "--disable-pip-version-check", "--target", str(staging), *self.pip_args],
                           check=True)
            for entry in staging.iterdir():
                name = _dist_name(entry.name.split("-")[0]) if entry.suffix == ".dist-info" else entry.name
                if name in PROVIDED_BY_RUNTIME or entry.name == "bin":  # console scripts: no use in a layer
                    shutil.rmtree(entry)
            if self.runtime_python:
                compile_bytecode(self.runtime_python, staging)
            try:
                staging.rename(target)
            except OSError:
                if not target.is_dir():  # not a lost race: a real failure
                    raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return target

    def try_bundle(self, output_dir: str, options: BundlingOptions | None) -> bool:
        """ILocalBundling: always bundles here (True), so CDK never tries Docker."""
        python_dir = Path(output_dir) / "python"
        shutil.copytree(self.install_dependencies(), python_dir, dirs_exist_ok=True)
        shutil.copytree(self.package, python_dir / self.package.name, ignore=_SKIP, dirs_exist_ok=True)
        if self.runtime_python:
            compile_bytecode(self.runtime_python, python_dir / self.package.name)
        schemas = python_dir.joinpath(*LAYER_SCHEMA_DIR)
        schemas.mkdir(parents=True, exist_ok=True)
        for path in self.schema_files():
            shutil.copyfile(path, schemas / path.name)
        return True


def layer_code(bundler: LayerBundler | None = None) -> lambda_.Code:
    """The shared layer's code asset, bundled locally (the Docker image is never pulled)."""
    bundler = bundler or LayerBundler(runtime_requirements())
    return lambda_.Code.from_asset(
        str(LAYER_DIR),
        asset_hash=bundler.fingerprint(),
        bundling=BundlingOptions(image=DockerImage.from_registry("dummy-not-used"), local=bundler),
    )


def function_code(folder: str) -> lambda_.Code:
    """A handler's folder as is: its imports come from the layer."""
    return lambda_.Code.from_asset(str(ROOT / "functions" / folder),
                                   exclude=["__pycache__", "*.pyc", "Dockerfile*", ".dockerignore"])


def ocr_image_code() -> lambda_.DockerImageCode:
    """The Tesseract OCR image. Its build context is the repository root, narrowed to what the
    Dockerfile copies; synth only stages those files, `cdk deploy` builds the image."""
    return lambda_.DockerImageCode.from_image_asset(
        str(ROOT),
        file=OCR_DOCKERFILE,
        platform=ecr_assets.Platform.LINUX_ARM64,
        ignore_mode=IgnoreMode.DOCKER,
        exclude=[
            "*",
            "!pyproject.toml",
            "!layers/eakte/python/eakte/**",
            "!functions/ocr/**",
            "**/__pycache__",
            "**/*.pyc",
        ],
    )
