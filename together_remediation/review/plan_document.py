"""The part of Terraform's JSON plan (``terraform show -json PLANFILE``) that a review reads.

Format: https://developer.hashicorp.com/terraform/internals/json-format (format_version 1.x).
Unknown fields are ignored, as the format's compatibility promise allows; a missing or
mistyped field that the review needs makes the plan malformed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class _PlanModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


# Attributes of this provider's objects that the review reads, by the JSON type they must have
# (null always allowed): a mistyped one makes the plan malformed instead of crashing the review.
_STRING_ATTRIBUTES = frozenset({
    "id", "cluster_id", "instance_id", "instance_name", "mode", "reason", "state", "error_message",
    "remediation_id", "decision", "comment", "name", "node_name", "latest_remediation_id",
})
_LIST_ATTRIBUTES = frozenset({"escalation", "linked_alerts", "gpu_worker_nodes", "remediations"})


def _check_provider_values(values: Any, where: str) -> None:
    """The review's attributes of one of this provider's objects have the types it reads."""
    if not isinstance(values, dict):
        return
    for name, value in values.items():
        if value is None:
            continue
        if name in _STRING_ATTRIBUTES and not isinstance(value, str):
            raise ValueError(f"{where}.{name} must be a string, not {type(value).__name__}")
        if name in _LIST_ATTRIBUTES and not isinstance(value, list):
            raise ValueError(f"{where}.{name} must be a list, not {type(value).__name__}")
        if name in ("escalation",) and not all(isinstance(item, str) for item in value):
            raise ValueError(f"{where}.{name} must be a list of strings")
        if name in ("linked_alerts", "remediations", "gpu_worker_nodes"):
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    raise ValueError(f"{where}.{name}[{index}] must be an object, not {type(item).__name__}")
                _check_provider_values(item, f"{where}.{name}[{index}]")


class Change(_PlanModel):
    actions: list[str]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    after_unknown: dict[str, Any] | bool | None = None
    # An object of flags, or false (nothing sensitive); a resource is never sensitive as a whole.
    before_sensitive: dict[str, Any] | Literal[False] | None = None
    after_sensitive: dict[str, Any] | Literal[False] | None = None
    replace_paths: list[list[Any]] | None = None


class ResourceChange(_PlanModel):
    address: str
    module_address: str | None = None
    mode: Literal["managed", "data"]
    type: str
    name: str
    index: Any = None
    deposed: str | None = None
    change: Change
    action_reason: str | None = None

    @model_validator(mode="after")
    def _provider_values_typed(self) -> ResourceChange:
        if self.type.startswith("together_"):
            _check_provider_values(self.change.before, "change.before")
            _check_provider_values(self.change.after, "change.after")
        return self


class StateResource(_PlanModel):
    address: str
    mode: Literal["managed", "data"]
    type: str
    name: str
    index: Any = None
    values: dict[str, Any] = Field(default_factory=dict)
    sensitive_values: dict[str, Any] | Literal[False] | None = None

    @model_validator(mode="after")
    def _provider_values_typed(self) -> StateResource:
        if self.type.startswith("together_"):
            _check_provider_values(self.values, "values")
        return self


class StateModule(_PlanModel):
    address: str | None = None
    resources: list[StateResource] = Field(default_factory=list)
    child_modules: list[StateModule] = Field(default_factory=list)

    def all_resources(self) -> list[StateResource]:
        found = list(self.resources)
        for child in self.child_modules:
            found.extend(child.all_resources())
        return found


class StateValues(_PlanModel):
    root_module: StateModule = Field(default_factory=StateModule)


class PriorState(_PlanModel):
    values: StateValues | None = None


class ConfigResource(_PlanModel):
    address: str
    mode: Literal["managed", "data"]
    type: str
    name: str
    expressions: dict[str, Any] = Field(default_factory=dict)

    @field_validator("expressions")
    @classmethod
    def _references_are_strings(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name, expression in value.items():
            references = expression.get("references") if isinstance(expression, dict) else None
            if references is not None and not (isinstance(references, list) and all(isinstance(r, str) for r in references)):
                raise ValueError(f"expressions.{name}.references must be a list of strings")
        return value


class ConfigModule(_PlanModel):
    resources: list[ConfigResource] = Field(default_factory=list)
    module_calls: dict[str, ModuleCall] = Field(default_factory=dict)


class ModuleCall(_PlanModel):
    module: ConfigModule = Field(default_factory=ConfigModule)


class Configuration(_PlanModel):
    root_module: ConfigModule = Field(default_factory=ConfigModule)


class PlanDocument(_PlanModel):
    format_version: str
    terraform_version: str | None = None
    planned_values: dict[str, Any] | None = None
    resource_changes: list[ResourceChange] = Field(default_factory=list)
    resource_drift: list[ResourceChange] = Field(default_factory=list)
    prior_state: PriorState | None = None
    configuration: Configuration | None = None
    errored: bool = False
    complete: bool = True

    @field_validator("format_version")
    @classmethod
    def _major_version_1(cls, value: str) -> str:
        if value.split(".")[0] != "1":
            raise ValueError(f"format_version {value!r} is not 1.x, the only JSON plan format known")
        return value

    def prior_resources(self) -> list[StateResource]:
        if self.prior_state is None or self.prior_state.values is None:
            return []
        return self.prior_state.values.root_module.all_resources()


ConfigModule.model_rebuild()
