"""Our models against Together's SDK (the contract), found by walking the SDK's own models.

Nothing of the SDK's side is written down here: its fields, their optionality, their enum values
and nesting are read from its pydantic models, so bumping the SDK pin is the only step needed to
see drift. What is ours is explicit: which SDK models we mirror (the roots below, and what they
nest), which ``Cluster`` fields the project reads, and which it deliberately leaves out.
"""

from __future__ import annotations

import types
import typing
from datetime import datetime
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

import pydantic
import pytest
from together.types import Cluster
from together.types.cluster import GPUWorkerNode as SdkGPUWorkerNode
from together.types.clusters import (
    Remediation as SdkRemediation,
    RemediationApproveParams,
    RemediationCreateParams,
    RemediationListParams,
    RemediationListResponse,
)
from together.types.clusters.remediation import (
    LinkedAlert,
    LinkedAlertAnnotation,
    LinkedAlertAnnotationSlurmNodeUnavailable,
    LinkedAlertAnnotationXid,
    LinkedAlertAnnotationXidEvent,
)

from together_api import models, vocabulary

# ---- what we mirror (our side) ------------------------------------------------------------------

ROOTS: list[tuple[type[pydantic.BaseModel], type[pydantic.BaseModel]]] = [
    (SdkRemediation, models.Remediation),
    (RemediationListResponse, models.ListRemediationsResponse),
    (SdkGPUWorkerNode, models.GPUWorkerNode),
    (Cluster, models.GPUClusterInfo),
]

# The Cluster fields GPUClusterInfo reads: what the cluster data source and the lookups need.
CLUSTER_READ = {
    "cluster_id", "cluster_name", "status", "region", "gpu_type", "num_gpus",
    "gpu_worker_nodes", "deleted_gpu_worker_nodes", "cluster_type",
}  # fmt: skip
# The Cluster fields deliberately not modelled, and why. A field the SDK adds lands in neither
# set and fails test_every_cluster_field_is_read_or_deliberately_left_out: decide, then list it.
CLUSTER_NOT_MODELLED: dict[str, set[str]] = {
    "a credential: never read, so it can never reach state, a plan or a log": {"kube_config", "oidc_config"},
    "cluster configuration and set-up, which remediations do not touch": {
        "add_ons", "cluster_config", "control_plane_nodes", "control_plane_ready", "volumes", "os_image",
        "cuda_version", "nvidia_driver_version", "nvidia_driver_version_id", "install_traefik",
        "slurm_shm_size_gib", "is_in_substrate", "machine_cluster_id", "phase_transitions",
        "node_lifecycle_events", "created_at", "first_ready_at",
    },
    "billing, capacity and ownership": {
        "billing_type", "allocated_preemptible_gpus", "desired_preemptible_gpus", "num_capacity_pool_gpus",
        "num_reserved_gpus", "num_cpu_workers", "capacity_pool_id", "duration_hours", "project_id",
        "reservation_start_time", "reservation_end_time", "ums_org_id", "ums_project_id",
    },
}  # fmt: skip
NOT_MODELLED = set().union(*CLUSTER_NOT_MODELLED.values())

# Fields whose values are the vocabulary's lists, wherever the SDK declares them.
VOCABULARY = {
    "mode": vocabulary.MODE_NAMES,
    "state": vocabulary.STATE_NAMES,
    "trigger": vocabulary.TRIGGER_NAMES,
    "severity": vocabulary.SEVERITIES,
}
OUR_ENUMS = {
    "mode": models.RemediationMode,
    "state": models.RemediationState,
    "trigger": models.RemediationTrigger,
    "severity": models.AlertSeverity,
}

# ---- reading annotations ----------------------------------------------------------------------


def _args(annotation: Any) -> tuple[Any, ...]:
    return get_args(annotation)


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel)


def nested_models(annotation: Any) -> list[type[pydantic.BaseModel]]:
    """The models inside ``Optional[List[X]]`` and the like."""
    if _is_model(annotation):
        return [annotation]
    found: list[type[pydantic.BaseModel]] = []
    for arg in _args(annotation):
        found += [m for m in nested_models(arg) if m not in found]
    return found


def literal_values(annotation: Any) -> list[Any]:
    """Every value of the ``Literal``s inside an annotation (``List[Literal[...]]``, ``Required[...]``)."""
    if get_origin(annotation) is Literal:
        return list(_args(annotation))
    return [v for arg in _args(annotation) for v in literal_values(arg)]


def allows_none(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType) and type(None) in _args(annotation)


def sdk_fields(sdk: type[pydantic.BaseModel]) -> dict[str, Any]:
    fields = dict(sdk.model_fields)
    if sdk is Cluster:
        fields = {name: f for name, f in fields.items() if name not in NOT_MODELLED}
    return fields


def mirrored_pairs() -> list[tuple[type[pydantic.BaseModel], type[pydantic.BaseModel]]]:
    """Every (SDK model, our model) pair, from the roots through the models their fields nest."""
    pairs: list[tuple[type[pydantic.BaseModel], type[pydantic.BaseModel]]] = []
    todo = list(ROOTS)
    while todo:
        sdk, ours = todo.pop(0)
        if (sdk, ours) in pairs:
            continue
        pairs.append((sdk, ours))
        for name, field in sdk_fields(sdk).items():
            inner = nested_models(field.annotation)
            if inner and name in ours.model_fields:
                mine = nested_models(ours.model_fields[name].annotation)
                assert len(inner) == 1 and len(mine) == 1, f"{sdk.__name__}.{name}: {inner} vs {mine}"
                todo.append((inner[0], mine[0]))
    return pairs


PAIRS = mirrored_pairs()
PAIR_IDS = [f"{sdk.__name__}->{ours.__name__}" for sdk, ours in PAIRS]


# ---- building a full SDK instance --------------------------------------------------------------


def fill(annotation: Any, name: str) -> Any:
    """A JSON value for ``annotation`` with every field of every model filled."""
    origin, args = get_origin(annotation), _args(annotation)
    if origin is Literal:
        return args[0]
    if origin in (Union, types.UnionType):
        return fill(next(a for a in args if a is not type(None)), name)
    if origin in (list, typing.List):
        return [fill(args[0], name)]
    if origin in (dict, typing.Dict):
        return {"key": fill(args[1], name)}
    if _is_model(annotation):
        return {f: fill(field.annotation, f) for f, field in annotation.model_fields.items()}
    simple = {str: f"{name}-value", int: 7, float: 1.5, bool: True, datetime: "2026-11-30T06:00:00Z"}
    if annotation in simple:
        return simple[annotation]
    raise TypeError(f"no example value for {name}: {annotation!r} (a new kind of field in the SDK?)")


def full_sdk_dump(sdk: type[pydantic.BaseModel]) -> dict[str, Any]:
    """An SDK-built instance with every field set, as JSON (what the API would send)."""
    instance = sdk.model_validate(fill(sdk, sdk.__name__))
    assert not [f for f in sdk.model_fields if getattr(instance, f) is None], "every field is filled"
    return instance.model_dump(mode="json")


def assert_same(theirs: Any, mine: Any, where: str) -> None:
    """Every value the SDK has is the value we read; our extra fields do not matter."""
    if isinstance(theirs, dict):
        assert isinstance(mine, dict), where
        for key, value in theirs.items():
            if where == "Cluster" and key in NOT_MODELLED:
                continue
            assert key in mine, f"{where}.{key} not read"
            assert_same(value, mine[key], f"{where}.{key}")
    elif isinstance(theirs, list):
        assert isinstance(mine, list) and len(mine) == len(theirs), where
        for index, (a, b) in enumerate(zip(theirs, mine)):
            assert_same(a, b, f"{where}[{index}]")
    else:
        assert mine == theirs, f"{where}: SDK {theirs!r}, ours {mine!r}"


# ---- the tests -----------------------------------------------------------------------------------


def test_the_walk_reaches_every_model_we_mirror():
    expected = {
        (SdkRemediation, models.Remediation),
        (LinkedAlert, models.PassiveHealthCheckAlert),
        (LinkedAlertAnnotation, models.AlertAnnotation),
        (LinkedAlertAnnotationXid, models.XidDetails),
        (LinkedAlertAnnotationXidEvent, models.XidEvent),
        (LinkedAlertAnnotationSlurmNodeUnavailable, models.SlurmNodeUnavailable),
        (RemediationListResponse, models.ListRemediationsResponse),
        (SdkGPUWorkerNode, models.GPUWorkerNode),
        (Cluster, models.GPUClusterInfo),
    }
    assert expected <= set(PAIRS)


@pytest.mark.parametrize("sdk,ours", PAIRS, ids=PAIR_IDS)
def test_every_sdk_field_has_ours(sdk, ours):
    missing = sorted(set(sdk_fields(sdk)) - set(ours.model_fields))
    assert not missing, f"{ours.__name__} lacks the SDK's {sdk.__name__} fields {missing}"


@pytest.mark.parametrize("sdk,ours", PAIRS, ids=PAIR_IDS)
def test_what_is_optional_there_is_optional_here(sdk, ours):
    full = full_sdk_dump(sdk)
    for name, field in sdk_fields(sdk).items():
        if field.is_required():
            continue
        assert not ours.model_fields[name].is_required(), f"{ours.__name__}.{name} is required, the SDK's is not"
        absent = {k: v for k, v in full.items() if k != name}
        ours.model_validate(absent)
        if allows_none(field.annotation):
            ours.model_validate({**full, name: None})


def test_every_cluster_field_is_read_or_deliberately_left_out():
    sdk = set(Cluster.model_fields)
    assert sdk == CLUSTER_READ | NOT_MODELLED, (
        f"new in the SDK: {sorted(sdk - CLUSTER_READ - NOT_MODELLED)}; gone: {sorted((CLUSTER_READ | NOT_MODELLED) - sdk)}"
    )
    assert CLUSTER_READ <= set(models.GPUClusterInfo.model_fields)
    assert not NOT_MODELLED & set(models.GPUClusterInfo.model_fields), "kube_config and the like stay unread"


def _vocabulary_fields() -> list[tuple[str, str, list[Any]]]:
    """(where, field, values) of every SDK Literal on a vocabulary field: models and request params."""
    found = []
    for sdk, _ in PAIRS:
        for name, field in sdk_fields(sdk).items():
            if name in VOCABULARY:
                found.append((sdk.__name__, name, literal_values(field.annotation)))
    for params in (RemediationListParams, RemediationApproveParams, RemediationCreateParams):
        for name, annotation in typing.get_type_hints(params, include_extras=True).items():
            if name in VOCABULARY:
                found.append((params.__name__, name, literal_values(annotation)))
    return found


VOCABULARY_FIELDS = _vocabulary_fields()


def test_the_sdk_declares_the_vocabulary_fields_we_expect():
    seen = {(where, name) for where, name, _ in VOCABULARY_FIELDS}
    assert {("Remediation", "mode"), ("Remediation", "state"), ("Remediation", "trigger"), ("LinkedAlert", "severity"),
            ("RemediationListParams", "state"), ("RemediationApproveParams", "mode")} <= seen  # fmt: skip
    assert all(values for _, _, values in VOCABULARY_FIELDS)


@pytest.mark.parametrize("where,name,values", VOCABULARY_FIELDS, ids=[f"{w}.{n}" for w, n, _ in VOCABULARY_FIELDS])
def test_every_sdk_enum_value_is_in_the_vocabulary_and_read_as_a_member(where, name, values):
    unknown = sorted(set(values) - set(VOCABULARY[name]))
    assert not unknown, f"{where}.{name}: {unknown} missing from together_api.vocabulary"
    for value in values:
        member = OUR_ENUMS[name](value)
        assert isinstance(member, Enum) and member.value == value


@pytest.mark.parametrize("sdk,ours", [p for p in PAIRS if {"mode", "state", "trigger", "severity"} & set(p[0].model_fields)],
                         ids=lambda p: getattr(p, "__name__", ""))  # fmt: skip
def test_every_sdk_enum_value_reads_as_a_known_member_of_the_model(sdk, ours):
    full = full_sdk_dump(sdk)
    for name, field in sdk_fields(sdk).items():
        if name not in VOCABULARY:
            continue
        for value in literal_values(field.annotation):
            got = getattr(ours.model_validate({**full, name: value}), name)
            assert isinstance(got, OUR_ENUMS[name]) and got.value == value, f"{ours.__name__}.{name} = {value}"


@pytest.mark.parametrize("sdk,ours", ROOTS, ids=[s.__name__ for s, _ in ROOTS])
def test_a_full_sdk_instance_round_trips_through_our_models(sdk, ours):
    theirs = full_sdk_dump(sdk)
    mine = ours.model_validate(theirs).model_dump(mode="json")
    assert_same(theirs, mine, sdk.__name__)
