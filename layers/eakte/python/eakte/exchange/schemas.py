"""The official eCH XSDs, compiled once per container, resolved offline.

The schemas import each other by their absolute `http://www.ech.ch/xmlns/...` addresses; a resolver
maps every such address to the sibling file with the same basename, and the parser refuses the
network, so a missing schema is an error here and never a download. The files are read from
`EAKTE_SCHEMA_DIR`, else from the copy the build puts into the layer (`eakte/schemas/ech`), else
from `../shared/standards/ech` next to the repository (development). They are never committed."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree

from eakte.errors import PermanentError
from eakte.settings import EnvVar

# The schemas the exchange validates against (root element namespace -> XSD file).
ECH_0020_V3 = "eCH-0020-3-0.xsd"
ECH_0090_V2 = "eCH-0090-2-0.xsd"
ECH_0090_V1 = "eCH-0090-1-0.xsd"
SCHEMA_OF_NAMESPACE: dict[str, str] = {
    "http://www.ech.ch/xmlns/eCH-0020/3": ECH_0020_V3,
    "http://www.ech.ch/xmlns/eCH-0090/2": ECH_0090_V2,
    "http://www.ech.ch/xmlns/eCH-0090/1": ECH_0090_V1,
}
# Every file those import (transitively); the layer bundle copies exactly these.
REQUIRED_SCHEMAS: tuple[str, ...] = (
    ECH_0020_V3, ECH_0090_V2, ECH_0090_V1,
    "eCH-0006-2-0.xsd", "eCH-0007-5-0.xsd", "eCH-0008-3-0.xsd", "eCH-0010-5-1.xsd", "eCH-0011-8-1.xsd",
    "eCH-0021-7-0.xsd", "eCH-0044-4-1.xsd", "eCH-0058-5-0.xsd", "eCH-0135-1-0.xsd",
)
LAYER_SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas" / "ech"


class SchemaMissingError(PermanentError):
    """A needed official schema is not where it should be: a build or deployment mistake."""


def schema_dir() -> Path:
    configured = os.environ.get(EnvVar.SCHEMA_DIR)
    candidates = [Path(configured)] if configured else []
    candidates.append(LAYER_SCHEMA_DIR)
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file():
            candidates.append(parent.parent / "shared" / "standards" / "ech")
            break
    for candidate in candidates:
        if (candidate / ECH_0020_V3).is_file():
            return candidate
    raise SchemaMissingError(f"the official eCH schemas are not in any of {[str(c) for c in candidates]}")


class _SiblingResolver(etree.Resolver):
    """http://www.ech.ch/xmlns/eCH-0044/4/eCH-0044-4-1.xsd -> <dir>/eCH-0044-4-1.xsd; nothing else."""

    def __init__(self, directory: Path) -> None:
        super().__init__()
        self._directory = directory

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        local = self._directory / system_url.rsplit("/", 1)[-1]
        if not local.is_file():
            raise SchemaMissingError(f"schema {system_url} is not in {self._directory}")
        return self.resolve_filename(str(local), context)


_compile_lock = threading.Lock()


@cache
def _compiled(name: str, directory: Path) -> etree.XMLSchema:
    path = directory / name
    if not path.is_file():
        raise SchemaMissingError(f"schema {name} is not in {directory}")
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(_SiblingResolver(directory))
    return etree.XMLSchema(etree.parse(str(path), parser))


def schema(name: str) -> etree.XMLSchema:
    """The compiled schema (once per container; compiling eCH-0020 takes ~100 ms)."""
    with _compile_lock:
        return _compiled(name, schema_dir())


@dataclass(frozen=True)
class SchemaViolation:
    """One finding of the validator: where (XPath of the element) and what."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path} (line {self.line}): {self.message}"


# XMLSchema objects are not safe to use from two threads at once (their error log is shared)
_validate_lock = threading.Lock()


def validate(root: etree._Element, name: str) -> list[SchemaViolation]:
    compiled = schema(name)
    with _validate_lock:
        if compiled.validate(root):
            return []
        return [SchemaViolation(path=e.path or "/", line=e.line, message=e.message)
                for e in compiled.error_log]
