"""The floor: a Go provider with this provider's exact schema that does no work, built at bench time.

Terraform does real work per resource for any provider with this schema (gRPC, msgpack states
decoded against the schema, plan checks), work that builtin ``terraform_data`` never pays. The
echo provider in ``../shared/floor-provider`` (beside the checkout; ``FLOOR_PROVIDER_DIR`` names
another copy) serves the same schema under the same address and echoes every request, so what
it costs is the least any provider with this schema can cost. Its code is not copied here: its
``build.sh`` builds it from Debian's Go packages against the schema this run's provider serves,
and installs it in a filesystem mirror with its own CLI config.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SOURCE_ENV = "FLOOR_PROVIDER_DIR"
DEBIAN_PACKAGES = (
    "golang-go", "golang-google-grpc-dev", "golang-google-protobuf-dev", "golang-github-golang-protobuf-1-5-dev",
    "protobuf-compiler", "protoc-gen-go", "protoc-gen-go-grpc",
)
TOOLS = ("go", "protoc", "protoc-gen-go", "protoc-gen-go-grpc")
GO_LIBRARIES = ("google.golang.org/grpc", "google.golang.org/protobuf", "github.com/golang/protobuf")
HOW_TO_GET = "apt-get update && apt-get install -y " + " ".join(DEBIAN_PACKAGES)
# The floor announces its capabilities in GetProviderSchema, as this provider does: both sides
# then get one schema request per command.
FLOOR_ENV = {"ECHO_CAPABILITIES": "schema"}


def source() -> Path:
    return Path(os.environ.get(SOURCE_ENV) or REPO.parent / "shared" / "floor-provider")


def missing() -> list[str]:
    """What the build needs and this machine lacks (empty: it can build)."""
    lacking = [] if (source() / "build.sh").is_file() else [f"the floor's sources ({source()}/build.sh)"]
    lacking += [tool for tool in TOOLS if shutil.which(tool) is None]
    lacking += [lib for lib in GO_LIBRARIES if not (Path("/usr/share/gocode/src") / lib).is_dir()]
    return lacking


class Floor:
    """The built floor provider: its CLI config and binary."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.cli_config = directory / "terraformrc"
        self.binary = next((directory / "bin").glob("terraform-provider-together_*"))

    def env(self, base: dict[str, str]) -> dict[str, str]:
        return {**base, "TF_CLI_CONFIG_FILE": str(self.cli_config), **FLOOR_ENV}


def build(schema_json: Path, directory: Path) -> Floor | None:
    """Build the floor for ``schema_json`` (a ``terraform providers schema -json`` dump) or say why not."""
    lacking = missing()
    if lacking:
        print(f"floor provider: not built, this machine lacks {', '.join(lacking)}.\n"
              f"  On Debian 12: {HOW_TO_GET}\n"
              f"  and the floor's sources at {source()} (or set {SOURCE_ENV}); the floor's figures are skipped.", flush=True)
        return None
    env = {**os.environ, "TF_PYTHON": sys.executable, "SCHEMA": str(schema_json)}
    completed = subprocess.run([str(source() / "build.sh"), str(directory)], env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        print(f"floor provider: build failed ({completed.returncode}); the floor's figures are skipped:\n"
              f"{completed.stderr[-2000:]}", flush=True)
        return None
    return Floor(directory)
