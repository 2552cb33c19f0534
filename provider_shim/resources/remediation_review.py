"""Resource ``together_remediation_review``: an approval or rejection of a remediation, as code.

Automated remediations (raised by Together's health checks) wait in PENDING_APPROVAL until
someone approves or rejects them. Creating this resource is that decision; a plan shows exactly
which remediations will be approved or rejected. A review cannot be undone, so destroying the
resource only removes it from state, and every argument forces a new review.

A remediation that already carries the same decision (an apply cut short after the review, or
a decision made elsewhere) is adopted without error; any other state is an error that names it.
"""

from __future__ import annotations

import logging

from tf.types import Unknown

from provider_shim.framework.base import ApplyCall, Call, PlanCall, ProviderError, ReadCall, ResourceType, State
from provider_shim.framework.durations import format_duration, parse_duration
from provider_shim.framework.schema import REMEDIATION_FIELD_DESCRIPTIONS as FIELD
from provider_shim.framework.schema import ALERT_OBJECT, List, String, build_schema, timeouts_block, wait_for_description
from provider_shim.framework.schema import computed, optional, optional_computed, required
from provider_shim.framework.validation import MAX_ID_LENGTH, Validator, is_known
from provider_shim.framework.progress import remediation_state as _state
from together_api import vocabulary
from together_api.ids import canonical_remediation_id
from together_api.vocabulary import described, enum_value, satisfied

log = logging.getLogger("provider_shim.remediation_review")

# Version 1: `mode` became the approval's override; the remediation's mode moved to `remediation_mode`.
SCHEMA_VERSION = 1
DEFAULT_WAIT_FOR = "none"
DEFAULT_TIMEOUTS = {"create": "30m"}
# A review comment is a sentence or two for the audit trail; a pasted file is refused at validate.
MAX_COMMENT_LENGTH = 4096
# The SDK's words for why the API refuses these modes as an approval's override.
NOT_AN_OVERRIDE_BECAUSE = "This mode cannot be set as an approval override; create a host power-cycle remediation directly."

# Computed attributes copied from the live remediation (``remediation_mode`` is its ``mode``:
# the review's own ``mode`` is the requested override).
LIVE_FIELDS = ("state", "reviewed_by", "review_time", "review_comment", "trigger", "linked_alerts")


def decision_of(remediation) -> str | None:
    """The review decision a remediation carries: ``APPROVE``, ``REJECT`` or None (never reviewed).

    A reject cancels the remediation at the moment of the review; a remediation cancelled later
    (after an approval) ends after its review time, and one that started was approved.
    """
    if not (remediation.review_time or remediation.reviewed_by):
        return None
    rejected = (
        enum_value(remediation.state) == "CANCELLED"
        and not remediation.start_time
        and (not remediation.end_time or remediation.end_time == remediation.review_time)
    )
    return "REJECT" if rejected else "APPROVE"


class RemediationReviewResource(ResourceType):
    name = "remediation_review"

    @classmethod
    def schema(cls):
        return build_schema(
            "Approves or rejects a remediation that waits in `PENDING_APPROVAL` (an automated remediation "
            "raised by Together's health checks). A review cannot be undone: destroying this resource only "
            "removes it from Terraform state and leaves the remediation as it is. If the remediation is no "
            "longer waiting for approval, the plan (or, if it changed since, the apply) fails and names its "
            "state, unless it already carries the same decision, which is then adopted. The plan shows the "
            "remediation's `mode` and `trigger`.",
            [
                required("cluster_id", String(), FIELD["cluster_id"] + " Changing it forces a new review.", force_new=True),
                required(
                    "instance_id", String(), "The instance of the remediation to review. Changing it forces a new review.", force_new=True
                ),
                required(
                    "remediation_id",
                    String(),
                    "The id (a UUID) of the remediation to review, for example from the `together_remediations` data "
                    "source. Changing it forces a new review.",
                    force_new=True,
                ),
                required(
                    "decision",
                    String(),
                    "`APPROVE` (the remediation moves to `PENDING` and runs) or `REJECT` (it ends `CANCELLED`). "
                    "Changing it forces a new review, which fails once the remediation is no longer waiting for approval.",
                    force_new=True,
                ),
                optional(
                    "mode",
                    String(),
                    "Approve as this mode instead of the one the remediation proposes, for example "
                    "`REMEDIATION_MODE_REBOOT_VM` for an automated `REMEDIATION_MODE_VM_ONLY`; the remediation then "
                    f"runs in it (see `remediation_mode`). One of {described(vocabulary.APPROVAL_OVERRIDE_MODES)}; "
                    f"{described(tuple(sorted(vocabulary.NOT_AN_APPROVAL_OVERRIDE)))} is refused at plan "
                    "(the API does not take it as an override: create such a remediation with `together_remediation`). "
                    "Only with `decision = \"APPROVE\"`. Unset: the remediation keeps its mode. Changing it forces "
                    "a new review, as `decision` does.",
                    force_new=True,
                ),
                optional(
                    "comment",
                    String(),
                    f"The review's comment, recorded by the API (at most {MAX_COMMENT_LENGTH} characters). "
                    "Changing it forces a new review.",
                    force_new=True,
                ),
                optional_computed(
                    "wait_for",
                    String(),
                    wait_for_description(
                        "How far the apply waits for the remediation after approving it",
                        DEFAULT_WAIT_FOR,
                        "With `terminal`, a FAILED remediation fails the apply. A rejected remediation ends at once. "
                        "Changing it never makes a new review.",
                    ),
                    default=DEFAULT_WAIT_FOR,
                ),
                computed("id", String(), "The reviewed remediation's id (the same as `remediation_id`)."),
                computed("state", String(), FIELD["state"]),
                computed("reviewed_by", String(), FIELD["reviewed_by"]),
                computed("review_time", String(), FIELD["review_time"]),
                computed("review_comment", String(), FIELD["review_comment"]),
                computed(
                    "remediation_mode",
                    String(),
                    FIELD["mode"] + " The remediation's mode: the one it proposes, or `mode` once approved as another mode.",
                ),
                computed("trigger", String(), FIELD["trigger"]),
                computed("linked_alerts", List(ALERT_OBJECT), FIELD["linked_alerts"]),
            ],
            [timeouts_block(**DEFAULT_TIMEOUTS)],
            version=SCHEMA_VERSION,
        )

    # ---- validation -----------------------------------------------------------------------

    def validate_config(self, check: Validator) -> None:
        from provider_shim.framework.durations import MIN_TIMEOUT

        check.non_empty("cluster_id", "instance_id")
        check.path_ids("cluster_id", "instance_id")
        check.max_length(MAX_ID_LENGTH, "cluster_id", "instance_id")
        check.text(MAX_COMMENT_LENGTH, "comment")
        check.uuid(["remediation_id"])
        check.one_of(["decision"], vocabulary.DECISIONS)
        check.one_of(["wait_for"], vocabulary.WAIT_FOR_VALUES)
        check.duration(["timeouts", "create"], minimum=MIN_TIMEOUT)
        _check_mode(check)

    # ---- plan -----------------------------------------------------------------------------

    def plan(self, call: PlanCall) -> None:
        planned = call.planned
        if call.config.get("wait_for") is None:
            planned["wait_for"] = DEFAULT_WAIT_FOR
        if call.prior is None:
            chosen = planned.get("remediation_id")
            # The API answers with the lower-case hyphenated form of a UUID, whatever its spelling here.
            planned["id"] = canonical_remediation_id(chosen) if is_known(chosen) else Unknown
            if all(is_known(planned.get(name)) for name in ("cluster_id", "instance_id", "remediation_id", "decision")):
                self._plan_against_live(call)
            return
        if not call.requires_replace and not satisfied(call.prior.get("state"), planned["wait_for"]):
            planned["state"] = Unknown  # the update waits for the remediation to move on

    def _plan_against_live(self, call: PlanCall) -> None:
        """Check the review can happen and show what cannot change: the remediation's mode and trigger.

        A plan in CI then fails on a review that the apply would refuse, instead of at apply time.
        """
        planned = call.planned
        from provider_shim.framework.lookups import not_found_error

        names = (planned["cluster_id"], planned["instance_id"], planned["remediation_id"])
        current = call.session.lookups.remediation(*names)
        if current is None:
            raise not_found_error(*names, path=["remediation_id"])
        if _state(current) != "PENDING_APPROVAL" and decision_of(current) != planned["decision"]:
            raise ProviderError(
                f"Remediation {current.id} is {_state(current)}, not PENDING_APPROVAL", _why_not(current, planned["decision"])
            )
        planned["trigger"] = enum_value(current.trigger)
        override = planned.get("mode")
        waiting = _state(current) == "PENDING_APPROVAL"
        if waiting and planned["decision"] == "APPROVE" and is_known(override):
            # What the remediation runs once approved: the API sets its mode to the override.
            planned["remediation_mode"] = override
        elif override is None or not waiting or planned["decision"] != "APPROVE":
            # Unchanged by the review (or adopted as it is, reviewed already).
            planned["remediation_mode"] = enum_value(current.mode)

    # ---- apply ----------------------------------------------------------------------------

    def create(self, call: ApplyCall) -> State | None:
        from together_api.errors import FailedPreconditionError, NotFoundError

        planned = dict(call.planned or {})
        cluster_id, instance_id, remediation_id = planned["cluster_id"], planned["instance_id"], planned["remediation_id"]
        decision, comment, mode = planned["decision"], planned.get("comment"), planned.get("mode")
        session = call.session

        # Review straight away (the plan saw it waiting); the API refuses a remediation that is no
        # longer PENDING_APPROVAL, and only then is it read, to adopt it or say what happened.
        try:
            if decision == "APPROVE":
                current = session.client.approve_remediation(cluster_id, instance_id, remediation_id, comment=comment, mode=mode)
            else:
                current = session.client.reject_remediation(cluster_id, instance_id, remediation_id, comment)
            reviewed_now = True
        except (FailedPreconditionError, NotFoundError):
            current, reviewed_now = self._fetch(call, planned), False  # gone: "Remediation not found"
        if decision_of(current) != decision:
            raise ProviderError(f"Remediation {remediation_id} is {_state(current)}, not PENDING_APPROVAL", _why_not(current, decision))
        if reviewed_now:
            verb = "approved" if decision == "APPROVE" else "rejected"
            log.info("%s remediation %s on %s/%s%s", verb, remediation_id, cluster_id, instance_id, f" as {mode}" if mode else "")
        else:
            log.info("remediation %s already carries the decision %s: adopting it", remediation_id, decision)

        return _wait_and_report(call, planned, current)

    def update(self, call: ApplyCall) -> State | None:
        planned = dict(call.planned or {})
        state = {**(call.prior or {}), **{k: v for k, v in planned.items() if v is not Unknown}}
        if satisfied(state.get("state"), planned["wait_for"]):
            return state
        return _wait_and_report(call, state, self._fetch(call, state))

    def read(self, call: ReadCall) -> State | None:
        state = call.state
        lookups = call.session.lookups
        current = lookups.refreshed(state["cluster_id"], state["instance_id"], state["remediation_id"], in_state_as="its review")
        if current is None:
            return None
        return _state_from(state, current)

    def delete(self, call: ApplyCall) -> None:
        # A review cannot be undone: forgetting it is all destroy does.
        log.info("forgot the review of remediation %s (the remediation is unchanged)", (call.prior or {}).get("remediation_id"))

    def import_state(self, call: Call, import_id: str) -> State | None:
        from provider_shim.framework.import_id import parse_remediation_import_id

        cluster_id, instance_id, remediation_id = parse_remediation_import_id(import_id)
        names = {"cluster_id": cluster_id, "instance_id": instance_id, "remediation_id": remediation_id}
        current = self._fetch(call, names)
        decision = decision_of(current)
        if decision is None:
            raise ProviderError(
                f"Remediation {remediation_id} has not been reviewed",
                f"It is {_state(current)}; only an approved or rejected remediation has a review to import.",
            )
        base = {**names, "decision": decision, "comment": current.review_comment or None, "mode": None, "wait_for": DEFAULT_WAIT_FOR}
        return _state_from(base, current)

    def upgrade(self, ctx: object, version: int, old: State) -> State:
        # Version 0 kept the remediation's mode in `mode`, which now is the override a user sets.
        if version == 0:
            old = {**old, "remediation_mode": old.get("mode"), "mode": None}
        return old

    # ---- helpers --------------------------------------------------------------------------

    def _fetch(self, call: Call, values: State):
        return call.session.lookups.require(values["cluster_id"], values["instance_id"], values["remediation_id"])


def _wait_and_report(call: Call, values: State, remediation) -> State:
    """Wait as ``values["wait_for"]`` asks (up to ``timeouts.create``), then the state and how it went."""
    from provider_shim.framework.waiting import wait_for_remediation

    timeout = _timeout(values)
    current, outcome = wait_for_remediation(call.session, remediation, values["wait_for"], timeout, label="reviewed remediation")
    _report_outcome(call, current, outcome, timeout, values["wait_for"])
    return _state_from(values, current)


def _state_from(base: State, remediation) -> State:
    from provider_shim.framework.convert import remediation_values

    values = remediation_values(remediation)
    state = dict(base)
    state.update({name: values[name] for name in LIVE_FIELDS})
    state["remediation_mode"] = values["mode"]
    state["id"] = remediation.id
    return state


def _check_mode(check: Validator) -> None:
    """``mode``: a mode the API takes as an approval's override, and only with ``APPROVE``."""
    mode = check.value(["mode"])
    if not is_known(mode):
        return
    if mode in vocabulary.NOT_AN_APPROVAL_OVERRIDE:
        check.error(
            ["mode"],
            f"{mode} cannot be an approval's mode",
            f"The API refuses it as mode: \"{NOT_AN_OVERRIDE_BECAUSE}\" Declare a together_remediation with "
            f"mode = \"{mode}\" instead, or approve as one of: {', '.join(vocabulary.APPROVAL_OVERRIDE_MODES)}.",
        )
        return
    check.one_of(["mode"], vocabulary.APPROVAL_OVERRIDE_MODES)
    decision = check.value(["decision"])
    if is_known(decision) and decision != "APPROVE":
        check.error(
            ["mode"],
            "mode is only for an approval",
            f"mode approves the remediation as another mode; decision = {decision!r} runs nothing, so leave mode unset.",
        )


def _why_not(remediation, decision: str) -> str:
    """Why ``remediation`` cannot get ``decision``: what happened to it instead."""
    verb = "approved" if decision == "APPROVE" else "rejected"
    earlier = decision_of(remediation)
    if earlier is not None:
        by = f" by {remediation.reviewed_by}" if remediation.reviewed_by else ""
        at = f" at {remediation.review_time}" if remediation.review_time else ""
        done = "approved" if earlier == "APPROVE" else "rejected"
        return f"It was already {done}{by}{at}; a review cannot be changed, so it cannot be {verb} now."
    return (
        f"Only a remediation waiting in PENDING_APPROVAL can be {verb}; this one is {_state(remediation)} "
        "and was never reviewed (manual remediations start without approval; an automated one whose alerts "
        "cleared ends AUTO_RESOLVED)."
    )


def _timeout(values: State) -> float:
    timeouts = values.get("timeouts") or {}
    return parse_duration(timeouts.get("create") or DEFAULT_TIMEOUTS["create"])


def _report_outcome(call: Call, remediation, outcome: str, timeout: float, wait_for: str) -> None:
    state = _state(remediation)
    where = f"{remediation.cluster_id}/{remediation.instance_id}"
    if outcome == "stopped":
        call.warn(
            f"Stopped waiting for reviewed remediation {remediation.id} ({state})",
            "Terraform asked the provider to stop. The review is done and kept in state.",
        )
    elif outcome == "timeout":
        call.error(
            f"Timed out waiting for reviewed remediation {remediation.id}",
            f"The review is done, but the remediation of {where} is still {state} after "
            f"{format_duration(timeout)} (timeouts.create). The review is kept in state.",
        )
    elif state == "FAILED" and wait_for == "terminal":
        call.error(
            f"Approved remediation {remediation.id} of {where} failed",
            remediation.error_message or "The API gave no error message.",
        )


RESOURCE_TYPE = RemediationReviewResource
