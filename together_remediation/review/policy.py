"""The team's rules for remediation plans: a small TOML or YAML file, validated strictly.

Every key is optional; a key that is absent is a rule that does not apply, with one exception:
EVICT_WITHOUT_REPLACEMENT (a node removed for good) is refused unless the file allows it
explicitly. Unknown keys are an error, so a typo never silently disables a rule.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from together_api.models import RemediationMode
from together_api.vocabulary import full_mode_name
from together_remediation.review.errors import ReviewInputError

EVICT = RemediationMode.EVICT_WITHOUT_REPLACEMENT.value


def _full_mode_name(value: Any) -> Any:
    """Accept ``HOST_AWARE`` as well as ``REMEDIATION_MODE_HOST_AWARE``."""
    return full_mode_name(value) if isinstance(value, str) else value


def _xid_code(value: Any) -> Any:
    """Accept ``79`` as well as ``"79"``; the API writes Xid codes as strings of digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


ModeName = Annotated[RemediationMode, BeforeValidator(_full_mode_name)]
XidCode = Annotated[str, BeforeValidator(_xid_code), Field(pattern=r"^[0-9]+$")]


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_remediations_per_plan: int | None = Field(default=None, ge=0)
    """At most this many remediations run (create, replace, rerun, approve) in one plan."""
    max_remediations_per_cluster: int | None = Field(default=None, ge=0)
    """At most this many remediations run in any one cluster."""
    max_cluster_node_share: float | None = Field(default=None, ge=0, le=1)
    """At most this fraction (0 to 1) of a cluster's GPU worker nodes is disrupted."""
    allowed_modes: list[ModeName] | None = None
    """Modes that may run; every step of an escalation ladder must be allowed."""
    allow_evict_without_replacement: bool = False
    """EVICT_WITHOUT_REPLACEMENT runs only when this is true."""
    require_reason: bool = False
    """Every remediation created must carry a non-empty reason."""
    require_rejection_comment: bool = False
    """Every rejection must carry a non-empty comment."""
    require_human_for_xid_codes: list[XidCode] | None = None
    """A remediation linked to an alert reporting one of these Xid codes is approved by a person, never by a plan."""
    allowed_approval_xid_codes: list[XidCode] | None = None
    """A plan approves only remediations linked to an alert reporting one of these Xid codes."""

    @model_validator(mode="after")
    def _evict_needs_explicit_permission(self) -> Policy:
        modes = {mode.value for mode in self.allowed_modes or []}
        if EVICT in modes and not self.allow_evict_without_replacement:
            raise ValueError(
                "allowed_modes lists EVICT_WITHOUT_REPLACEMENT: "
                "also set allow_evict_without_replacement = true to allow it"
            )
        return self


def load_policy(path: str) -> Policy:
    """The policy at ``path`` (``.toml``, ``.yaml`` or ``.yml``), or a ReviewInputError."""
    suffix = Path(path).suffix.lower()
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReviewInputError(f"policy {path}: cannot read it: {exc}") from None
    try:
        if suffix == ".toml":
            data = tomllib.loads(raw)
        elif suffix in (".yaml", ".yml"):
            data = yaml.safe_load(raw)
        else:
            raise ReviewInputError(f"policy {path}: unknown format {suffix!r}; name it .toml, .yaml or .yml")
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise ReviewInputError(f"policy {path}: not valid {suffix[1:].upper()}: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ReviewInputError(f"policy {path}: expected a table of rules, got {type(data).__name__}")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise ReviewInputError(f"policy {path}: {_describe(exc)}") from None


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        if error["type"] == "extra_forbidden":
            problems.append(f"{where}: unknown key (known keys: {', '.join(Policy.model_fields)})")
        elif where:
            problems.append(f"{where}: {error['msg']}")
        else:
            problems.append(error["msg"].removeprefix("Value error, "))
    return "; ".join(problems)
