"""Read PLAN: the JSON of ``terraform show -json``, or a saved plan file shown through terraform."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from together_remediation.review.errors import ReviewInputError
from together_remediation.review.plan_document import PlanDocument

SAVED_PLAN_MAGIC = b"PK"  # a saved plan file is a zip archive


def load_plan(
    path: str,
    terraform: str = "terraform",
    workdir: str | None = None,
    env: Mapping[str, str] | None = None,
) -> PlanDocument:
    """The plan at ``path`` (``-`` for standard input), validated.

    A saved plan file is shown through ``terraform show -json`` in ``workdir`` (default: the
    current directory), which must be the initialised directory the plan was made in.
    """
    raw = sys.stdin.buffer.read() if path == "-" else _read_bytes(path)
    if raw.startswith(SAVED_PLAN_MAGIC):
        raw = _show_saved_plan(path, terraform, workdir, env)
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReviewInputError(
            f"plan {path}: not the JSON of `terraform show -json` nor a saved plan file ({exc})"
        ) from None
    return parse_plan(data, source=path)


def parse_plan(data: Any, source: str = "plan") -> PlanDocument:
    """A plan document from already-decoded JSON, with a clear error when it is not one."""
    if not isinstance(data, dict):
        raise ReviewInputError(f"plan {source}: expected a JSON object, got {type(data).__name__}")
    if "planned_values" not in data and "resource_changes" not in data:
        what = "a state (`terraform show -json` without a plan file)" if "values" in data else "not a plan"
        raise ReviewInputError(
            f"plan {source}: this is {what}; run `terraform plan -out=PLANFILE` and review "
            "`terraform show -json PLANFILE` or PLANFILE itself"
        )
    try:
        plan = PlanDocument.model_validate(data)
    except ValidationError as exc:
        raise ReviewInputError(f"plan {source}: malformed JSON plan: {_first_errors(exc)}") from None
    if plan.errored:
        raise ReviewInputError(
            f"plan {source}: terraform reported that planning failed (errored: true); "
            "a failed plan cannot be reviewed"
        )
    return plan


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise ReviewInputError(f"plan {path}: cannot read it: {exc.strerror}") from None


def _show_saved_plan(path: str, terraform: str, workdir: str | None, env: Mapping[str, str] | None) -> bytes:
    """Run ``terraform show -json`` on a saved plan, in the (initialised) working directory."""
    if path == "-":
        raise ReviewInputError("plan -: a saved plan file must be given by path, not on standard input")
    try:
        result = subprocess.run(
            [terraform, "show", "-json", "-no-color", str(Path(path).resolve())],
            cwd=workdir,
            env=dict(env) if env is not None else None,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise ReviewInputError(
            f"plan {path}: is a saved plan file, but terraform could not be run ({terraform}: "
            f"{exc.strerror}); pass --terraform PATH"
        ) from None
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip() or "no message"
        raise ReviewInputError(
            f"plan {path}: `terraform show -json` failed (exit {result.returncode}); run it in the "
            f"directory where the plan was made: {detail}"
        )
    return result.stdout


def _first_errors(exc: ValidationError, limit: int = 3) -> str:
    parts = []
    for error in exc.errors()[:limit]:
        where = ".".join(str(p) for p in error["loc"]) or "(top level)"
        parts.append(f"{where}: {error['msg']}")
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
