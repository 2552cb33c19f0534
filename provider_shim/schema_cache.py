"""The serialized GetProviderSchema answer, kept in the installation's runtime directory.

The first launch of every Terraform command only asks for the schema. Building it imports the
provider's every module; serving it from the bytes an earlier launch wrote imports nothing. The
file's name carries a fingerprint of everything the schema comes from (the names, sizes and
modification times of the project's Python files, and the versions of Python and ``tf``), so an
edited checkout or an upgraded package never gets an old schema.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

PREFIX = "schema-"
SUFFIX = ".pb"
# The packages the schema is built from: the provider, the API vocabulary and models it names.
SOURCE_PACKAGES = ("provider_shim", "together_api")


def _package_directory(name: str) -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def fingerprint() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for name in (*SOURCE_PACKAGES, "tf"):
        directory = _package_directory(name)
        if directory is None:
            continue
        for root, dirs, files in os.walk(directory):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for file in sorted(files):
                if file.endswith(".py"):
                    info = os.stat(os.path.join(root, file))
                    digest.update(f"{root}/{file}:{info.st_size}:{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:24]


def path(runtime_dir: str, key: str) -> Path:
    return Path(runtime_dir) / f"{PREFIX}{key}{SUFFIX}"


def load(runtime_dir: str | None, key: str) -> bytes | None:
    if not runtime_dir:
        return None
    try:
        return path(runtime_dir, key).read_bytes() or None
    except OSError:
        return None


def store(runtime_dir: str | None, key: str, data: bytes) -> None:
    """Write the answer for ``key`` (atomically) and drop the answers of older fingerprints."""
    if not runtime_dir:
        return
    target = path(runtime_dir, key)
    try:
        temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, target)
        for old in Path(runtime_dir).glob(f"{PREFIX}*{SUFFIX}"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only runtime directory: every launch builds the schema, as without a cache
