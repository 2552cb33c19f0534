"""The part of Terraform's JSON plan (``terraform show -json PLANFILE``) that a review reads.

Format: https://developer.hashicorp.com/terraform/internals/json-format (format_version 1.x).
Unknown fields are ignored, as the format's compatibility promise allows; a missing or
mistyped field that the review needs makes the plan malformed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _PlanModel(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Change(_PlanModel):
    actions: list[str]
    before: Any = None
    after: Any = None
    after_unknown: Any = None
    before_sensitive: Any = None
    after_sensitive: Any = None
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


class StateResource(_PlanModel):
    address: str
    mode: Literal["managed", "data"]
    type: str
    name: str
    index: Any = None
    values: dict[str, Any] = Field(default_factory=dict)
    sensitive_values: Any = None


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
