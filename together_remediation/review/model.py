"""The review of a plan: what it does to which nodes of which cluster, how disruptive, and why.

Fields typed ``Value`` hold a plain value, or ``UNKNOWN`` (known only after apply) or
``SENSITIVE`` (see ``values.py``); they are never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from together_api.vocabulary import RERUN_STATES

Value = Any  # str | None | UNKNOWN | SENSITIVE


class Action(str, Enum):
    """What the plan does, in the words of a remediation reviewer."""

    CREATE = "create"  # a new remediation runs
    ADOPT = "adopt"  # the create adopts an existing remediation of this declaration: nothing new runs
    REPLACE = "replace"  # the remediation is replaced by a new run
    RERUN = "rerun"  # planned in place, but a new attempt runs
    APPROVE = "approve"  # a pending remediation is approved and will run
    REJECT = "reject"  # a pending remediation is rejected (cancelled)
    CANCEL = "cancel"  # a not-yet-running remediation is cancelled by destroy
    FORGET = "forget"  # Terraform stops tracking it; nothing happens to the node
    UPDATE = "update"  # settings only (waiting, timeouts); nothing happens to the node


RUNS_A_REMEDIATION = frozenset({Action.CREATE, Action.REPLACE, Action.RERUN, Action.APPROVE})
"""Actions after which a node is disrupted: the ones that count against the policy limits."""

ACTION_ORDER = [
    Action.CREATE,
    Action.REPLACE,
    Action.RERUN,
    Action.APPROVE,
    Action.ADOPT,
    Action.REJECT,
    Action.CANCEL,
    Action.UPDATE,
    Action.FORGET,
]


@dataclass(frozen=True)
class Alert:
    name: Value
    severity: Value
    title: Value = None  # from the alert's typed annotation, when the API parsed one
    xid_codes: tuple[str, ...] = ()  # the NVIDIA Xid codes the annotation reports


@dataclass(frozen=True)
class ModePlan:
    """A mode, or an escalation ladder of modes tried in order: what will run.

    An approval that runs another mode than the remediation proposed (``mode`` on the review)
    has that mode as its one step and the remediation's own mode as ``proposed``.
    """

    steps: tuple[Value, ...]  # full enum strings, e.g. REMEDIATION_MODE_HOST_AWARE
    is_ladder: bool
    disruption: int | None  # of the most disruptive step; None when a step is not known
    proposed: Value = None  # an approval's override only: the mode the remediation proposed

    @property
    def is_override(self) -> bool:
        return self.proposed is not None


@dataclass
class RemediationChange:
    address: str
    action: Action
    cluster_id: Value
    instance_id: Value
    node_name: Value
    mode: ModePlan | None  # None: not known (for example an approval of an unseen remediation)
    reason: Value
    alerts: list[Alert] | Value
    remediation_id: Value
    instance_source: str | None = None  # where an instance id known only after apply comes from
    state_before: Value = None
    why: str | None = None  # why Terraform plans this action (replacement cause, drift)
    comment: Value = None  # the review comment of an approval or rejection
    cancels: bool = False  # the apply cancels a remediation that has not started (a destroy, a replace's destroy half)

    @property
    def xid_codes(self) -> set[str]:
        """The Xid codes of the linked alerts (empty when they are not known)."""
        alerts = self.alerts if isinstance(self.alerts, list) else []
        return {code for alert in alerts for code in alert.xid_codes}

    @property
    def runs_remediation(self) -> bool:
        return self.action in RUNS_A_REMEDIATION


@dataclass
class Drift:
    """What refresh found changed outside Terraform."""

    address: str
    cluster_id: Value
    instance_id: Value
    node_name: Value
    state_before: Value
    state_after: Value  # None when the remediation disappeared
    error_message: Value = None

    @property
    def failed_or_cancelled(self) -> bool:
        return self.state_after in RERUN_STATES


@dataclass
class ClusterReview:
    cluster_id: Value
    name: Value = None
    node_count: int | None = None  # None when the plan has no together_cluster data for it
    changes: list[RemediationChange] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)

    @property
    def runs(self) -> list[RemediationChange]:
        return [c for c in self.changes if c.runs_remediation]

    def touched_instances(self) -> tuple[set[str], int]:
        """Instances disrupted: the known ids, and how many more are known only after apply."""
        known: set[str] = set()
        unknown = 0
        for change in self.runs:
            if isinstance(change.instance_id, str):
                known.add(change.instance_id)
            else:
                unknown += 1
        return known, unknown

    @property
    def touched_count(self) -> int:
        known, unknown = self.touched_instances()
        return len(known) + unknown

    @property
    def touched_share(self) -> float | None:
        if not self.node_count:
            return None
        return self.touched_count / self.node_count

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action == action)

    @property
    def cancel_count(self) -> int:
        """Remediations the apply cancels: destroys, and replacements whose destroy half cancels."""
        return sum(1 for c in self.changes if c.cancels)


@dataclass
class Review:
    terraform_version: str | None
    clusters: list[ClusterReview]
    complete: bool = True  # false when terraform deferred some changes to a later plan

    @property
    def changes(self) -> list[RemediationChange]:
        return [c for cluster in self.clusters for c in cluster.changes]

    @property
    def runs(self) -> list[RemediationChange]:
        return [c for c in self.changes if c.runs_remediation]

    @property
    def highest_disruption(self) -> int | None:
        levels = [c.mode.disruption for c in self.runs if c.mode and c.mode.disruption]
        return max(levels) if levels else None
