"""Resource ``together_remediation``: "this instance gets this repair", as Terraform state.

Intent (arguments) → live remediation (computed attributes). A plan is empty while the live
remediation satisfies the intent; it shows a change when the remediation disappeared (create),
when it ended FAILED or CANCELLED and ``rerun_on_failure`` asks for another attempt
(replacement, with a warning saying why), or when it is still on its way and ``wait_for`` asks
to wait for more (in-place update that waits).

Identity: the remediation id is derived from the intent (see ``framework.identity``), so every
create is exactly-once, even across a killed apply; replacements move to the next attempt.
"""

from __future__ import annotations

import logging
from typing import Any

from tf.types import Unknown

from provider_shim.framework.base import ApplyCall, Call, PlanCall, ProviderError, ReadCall, ResourceType, State
from provider_shim.framework.durations import format_duration, parse_duration
from provider_shim.framework.schema import (
    ALERT_OBJECT,
    REMEDIATION_FIELD_DESCRIPTIONS as FIELD,
    Bool,
    List,
    Map,
    Object,
    String,
    build_schema,
    computed,
    optional,
    optional_computed,
    required,
    timeouts_block,
    wait_for_description,
)
from provider_shim.framework.validation import Validator, is_known
from provider_shim.framework.progress import remediation_state as _state
from together_api import vocabulary
from together_api.ids import canonical_remediation_id
from together_api.vocabulary import satisfied

log = logging.getLogger("provider_shim.remediation")

# Why a started remediation cannot be cancelled, in words a destroy's error can use.
STARTED_BECAUSE = {
    "QUARANTINING": "the host is being cordoned",
    "QUARANTINED": "the host has been cordoned and the repair is about to run",
    "RUNNING": "the repair is running",
}
DEFAULT_TIMEOUTS = {"create": "30m", "delete": "10m"}
# Sanity limits, far above any real id or reason: ids go into request paths (a long one would
# fail at apply as an invalid URL) and a reason is a sentence for operators, not a file.
MAX_ID_LENGTH = 256
MAX_REASON_LENGTH = 4096

ATTEMPT_OBJECT = Object(
    {
        "id": String(),
        "mode": String(),
        "state": String(),
        "error_message": String(),
        "start_time": String(),
        "end_time": String(),
    }
)

ALERT_OBJECT_LIST = List(ALERT_OBJECT)

# Computed attributes that follow the live remediation (unknown while it may still change).
LIVE_FIELDS = (
    "state", "trigger", "requested_by", "create_time", "start_time", "end_time", "update_time",
    "error_message", "reviewed_by", "review_time", "review_comment", "instance_name",
    "active_health_check_run_id", "passive_health_check_event_id", "linked_alerts",
)
CHANGING_FIELDS = tuple(f for f in LIVE_FIELDS if f not in ("trigger", "requested_by", "create_time", "instance_name")) + ("attempts",)


class RemediationResource(ResourceType):
    name = "remediation"

    @classmethod
    def schema(cls):
        return build_schema(
            "A remediation of one GPU worker node: the declared intent \"this instance gets this repair\", "
            "carried out once by a Together remediation. Destroying it cancels a remediation that has not "
            "started and forgets a finished one.",
            [
                required("cluster_id", String(), FIELD["cluster_id"] + " Changing it forces a new remediation.", force_new=True),
                required("instance_id", String(), FIELD["instance_id"] + " Changing it forces a new remediation.", force_new=True),
                optional(
                    "mode",
                    String(),
                    FIELD["mode"] + " Exactly one of `mode` and `escalation`. Changing it forces a new remediation.",
                    force_new=True,
                ),
                optional(
                    "escalation",
                    List(String()),
                    "An escalation ladder of modes, least disruptive first: each mode runs only if the previous one "
                    "ended FAILED. Exactly one of `mode` and `escalation`. Changing it forces a new remediation.",
                    force_new=True,
                ),
                optional("reason", String(), FIELD["reason"] + " Changing it forces a new remediation.", force_new=True),
                optional(
                    "triggers",
                    Map(String()),
                    "Arbitrary values; changing any of them runs the same remediation again (a new remediation).",
                    force_new=True,
                ),
                optional_computed(
                    "remediation_id",
                    String(),
                    "Idempotency key (a UUID) sent with the create: the remediation's id. When unset, the provider "
                    "derives it from the intent, so a retried or re-run apply never starts a second remediation. "
                    "Setting it forces a new remediation when it changes.",
                    force_new=True,
                ),
                optional_computed(
                    "wait_for",
                    String(),
                    wait_for_description(
                        "How far the apply waits for the remediation",
                        vocabulary.DEFAULT_WAIT_FOR,
                        "Changing it never replaces the remediation.",
                    ),
                    default=vocabulary.DEFAULT_WAIT_FOR,
                ),
                optional_computed(
                    "rerun_on_failure",
                    Bool(),
                    "When the remediation ended FAILED or CANCELLED, plan a new attempt (a replacement) and say why. "
                    "Default false: a failed remediation stays as it is.",
                    default=False,
                ),
                computed("id", String(), "The remediation's id (a UUID), the same as `remediation_id`."),
                *[computed(name, ALERT_OBJECT_LIST if name == "linked_alerts" else String(), FIELD[name]) for name in LIVE_FIELDS],
                computed(
                    "attempts",
                    List(ATTEMPT_OBJECT),
                    "The remediations this resource ran, in order: one for a `mode`, one per step taken for an `escalation`.",
                ),
            ],
            [timeouts_block(**DEFAULT_TIMEOUTS)],
        )

    # ---- validation -----------------------------------------------------------------------

    def validate_config(self, check: Validator) -> None:
        from provider_shim.framework.durations import MIN_TIMEOUT

        check.non_empty("cluster_id", "instance_id")
        check.path_ids("cluster_id", "instance_id")
        check.max_length(MAX_ID_LENGTH, "cluster_id", "instance_id")
        check.max_length(MAX_REASON_LENGTH, "reason")
        check.exactly_one_of(["mode", "escalation"])
        check.one_of(["mode"], vocabulary.MODE_NAMES)
        ladder = check.value(["escalation"])
        if is_known(ladder):
            if not ladder:
                check.error(["escalation"], "escalation must not be empty", "List at least one mode, least disruptive first.")
            for index, mode in enumerate(ladder):
                check.one_of(["escalation", (index,)], vocabulary.MODE_NAMES)
            if len(set(ladder)) != len(ladder):
                check.error(["escalation"], "escalation repeats a mode", "Each mode may appear once in the ladder.")
        check.one_of(["wait_for"], vocabulary.WAIT_FOR_VALUES)
        check.uuid(["remediation_id"])
        for operation in DEFAULT_TIMEOUTS:
            check.duration(["timeouts", operation], minimum=MIN_TIMEOUT)

    # ---- plan -----------------------------------------------------------------------------

    def plan(self, call: PlanCall) -> None:
        planned, config = call.planned, call.config
        # Optional+computed arguments removed from the configuration go back to their defaults.
        if config.get("wait_for") is None:
            planned["wait_for"] = "terminal"
        if config.get("rerun_on_failure") is None:
            planned["rerun_on_failure"] = False

        if call.prior is None:
            chosen = planned.get("remediation_id")
            # The API answers with the lower-case hyphenated form of a UUID, whatever its spelling here.
            planned["id"] = canonical_remediation_id(chosen) if is_known(chosen) else Unknown
            return

        prior = call.prior
        live_state = prior.get("state")
        if not call.requires_replace and planned.get("rerun_on_failure") is True and live_state in vocabulary.RERUN_STATES:
            call.requires_replace.append("state")
            planned["state"] = Unknown
            because = f": {prior.get('error_message')}" if prior.get("error_message") else ""
            call.warn(
                f"Remediation {prior.get('id')} ended {live_state}; rerun_on_failure plans a new attempt",
                f"The remediation of {prior.get('cluster_id')}/{prior.get('instance_id')} ended {live_state}{because}. "
                "Because rerun_on_failure = true, this plan replaces it with a new remediation.",
            )
            return
        if call.requires_replace:
            return
        if _ladder_unfinished(prior):
            # The update climbs on to the next mode: a new remediation, so every live field changes.
            for name in (*LIVE_FIELDS, "id", "attempts"):
                planned[name] = Unknown
            if config.get("remediation_id") is None:
                planned["remediation_id"] = Unknown
        elif not satisfied(live_state, planned.get("wait_for") or "terminal"):
            # Still on its way: the update waits for it, so these may change.
            for name in CHANGING_FIELDS:
                planned[name] = Unknown

    def plan_destroy(self, call: PlanCall) -> None:
        # Destroy plans reach the provider (the plan_destroy capability): say what the apply will
        # do to a remediation that is still active, before anyone approves the plan.
        prior = call.prior or {}
        live_state, remediation_id = prior.get("state"), prior.get("id")
        if live_state in vocabulary.CANCELLABLE_STATES:
            call.warn(
                f"Destroying cancels remediation {remediation_id} ({live_state})",
                f"The remediation of {prior.get('cluster_id')}/{prior.get('instance_id')} has not started; "
                "the destroy cancels it at the API.",
            )
        elif live_state in vocabulary.STARTED_STATES:
            call.warn(
                f"Remediation {remediation_id} is {live_state} and cannot be cancelled: destroy waits for it to end",
                f"Work on {prior.get('cluster_id')}/{prior.get('instance_id')} has begun "
                f"({STARTED_BECAUSE.get(live_state, live_state)}); the destroy waits until the remediation ends "
                f"(at most timeouts.delete, {format_duration(_timeout(prior, 'delete'))}).",
            )

    # ---- apply ----------------------------------------------------------------------------

    def create(self, call: ApplyCall) -> State | None:
        session = call.session
        planned = dict(call.planned or {})
        cluster_id, instance_id = planned["cluster_id"], planned["instance_id"]
        ladder = _ladder(planned)
        timeout = _timeout(planned, "create")
        chosen = planned.get("remediation_id")
        if is_known(chosen):
            base, attempt = chosen, 0  # a fixed id names one remediation: never a new attempt
        else:
            base = _intent_base(planned, ladder)
            attempt = session.forgotten.next_attempt(base)

        with session.rollout_slot(cluster_id) as started:
            if not started:
                raise ProviderError("Stopped before the remediation was created", "Terraform asked the provider to stop.")
            step, remediation = 0, None
            adopted = self._adopt(session, cluster_id, instance_id, base, attempt, len(ladder))
            if adopted is not None:
                attempt, step, remediation = adopted
                log.info("adopting remediation %s on %s/%s (%s): it already exists", remediation.id, cluster_id, instance_id, _state(remediation))
            attempts: list[Any] = self._earlier_steps(session, cluster_id, instance_id, base, attempt, step)
            remediation, outcome = self._run_ladder(call, planned, ladder, base, attempt, step, remediation, attempts, timeout)

        if outcome == "timeout":
            # An error with a new state taints the resource, and the next apply would replace it:
            # a second run of a remediation that is still on its way. Leave it out of state; the
            # next apply derives the same id and adopts it (and waits again), so it runs once.
            raise ProviderError(
                f"Timed out creating remediation {remediation.id}",
                f"The remediation of {cluster_id}/{instance_id} is still {_state(remediation)} after "
                f"{format_duration(timeout)} (timeouts.create) and carries on. Run terraform apply again to wait "
                "for it: the provider finds this remediation and adopts it instead of starting another.",
            )
        state = self._state_from(planned, remediation, attempts)
        self._report_outcome(call, remediation, outcome, timeout, "creating", state["attempts"])
        return state

    def _run_ladder(self, call, planned, ladder, base, attempt, step, remediation, attempts, timeout):
        """Create (unless given) and wait for step ``step``; on FAILED, go on to the next mode.

        Every remediation waited for is recorded in ``attempts``. Returns the last remediation
        and how its wait ended.
        """
        from provider_shim.framework.identity import attempt_id
        from provider_shim.framework.waiting import wait_for_remediation

        cluster_id, instance_id = planned["cluster_id"], planned["instance_id"]
        while True:
            if remediation is None:
                remediation = call.session.client.create_remediation(
                    cluster_id, instance_id, ladder[step], planned.get("reason"), remediation_id=attempt_id(base, attempt, step)
                )
                log.info("created remediation %s on %s/%s (%s, %s)", remediation.id, cluster_id, instance_id, ladder[step], _state(remediation))
            last_step = step == len(ladder) - 1
            remediation, outcome = wait_for_remediation(call.session, remediation, planned["wait_for"] if last_step else "terminal", timeout)
            _record(attempts, remediation)
            if outcome == "done" and _state(remediation) == "FAILED" and not last_step:
                log.info("remediation %s failed; escalating to %s", remediation.id, ladder[step + 1])
                step, remediation = step + 1, None
                continue
            return remediation, outcome

    def update(self, call: ApplyCall) -> State | None:
        from provider_shim.framework.waiting import wait_for_remediation

        planned = dict(call.planned or {})
        prior = call.prior or {}
        # Unknown planned values are refilled from the remediation below (remediation_id too).
        state = {**prior, **planned}
        if satisfied(prior.get("state"), planned.get("wait_for") or "terminal") and not _ladder_unfinished(prior):
            return state
        session = call.session
        current = session.lookups.fetch(prior["cluster_id"], prior["instance_id"], prior["id"])
        if current is None:
            raise ProviderError(f"Remediation {prior['id']} no longer exists", "It was deleted outside of Terraform; run terraform apply again to recreate it.")
        timeout = _timeout(planned, "create")
        attempts = _attempt_models(prior.get("attempts"))
        ladder = _ladder(planned)
        base, where = _ladder_position(prior, ladder)
        if where is not None:
            # An apply stopped mid-ladder: wait for this step and, if it fails, climb on.
            current, outcome = self._run_ladder(call, planned, ladder, base, where[0], where[1], current, attempts, timeout)
        else:
            current, outcome = wait_for_remediation(call.session, current, planned["wait_for"], timeout)
            _record(attempts, current)
        result = self._state_from(state, current, attempts)
        self._report_outcome(call, current, outcome, timeout, "waiting for", result["attempts"])
        return result

    def delete(self, call: ApplyCall) -> None:
        prior = call.prior or {}
        session = call.session
        cluster_id, instance_id, remediation_id = prior["cluster_id"], prior["instance_id"], prior.get("id")
        if remediation_id:
            current = session.lookups.fetch(cluster_id, instance_id, remediation_id)
            if current is not None and _state(current) in vocabulary.CANCELLABLE_STATES:
                current = self._cancel(session, current)
            if current is not None and _state(current) not in vocabulary.TERMINAL_STATES:
                current = self._wait_for_end(call, current, _timeout(prior, "delete"))
            log.info("removed remediation %s from state (%s)", remediation_id, _state(current) if current else "gone")
        self._remember_forgotten(session, prior)

    def _wait_for_end(self, call: ApplyCall, current, timeout: float):
        """A started remediation (quarantine states, RUNNING) cannot be cancelled: wait for its end.

        Not ending within ``timeouts.delete`` is an error that says which state it is in and why
        that cannot be cancelled; the remediation stays in state.
        """
        from provider_shim.framework.waiting import wait_for_remediation

        state = _state(current)
        because = STARTED_BECAUSE.get(state, f"it is {state}")
        log.info(
            "remediation %s is %s (%s): a started remediation cannot be cancelled; waiting up to %s for it to end",
            current.id, state, because, format_duration(timeout),
        )
        current, outcome = wait_for_remediation(call.session, current, "terminal", timeout)
        if outcome == "done":
            return current
        state = _state(current)
        because = STARTED_BECAUSE.get(state, f"it is {state}")
        waited = (
            "Terraform asked the provider to stop before it ended"
            if outcome == "stopped"
            else f"destroy waited {format_duration(timeout)} (timeouts.delete) and it has not ended"
        )
        raise ProviderError(
            f"Remediation {current.id} is still {state}: {because}",
            f"The remediation of {current.cluster_id}/{current.instance_id} is {state}: {because}. A started "
            f"remediation cannot be cancelled (the API cancels only {_all_of(vocabulary.CANCELLABLE_STATES)} ones); "
            f"{waited}. It stays in Terraform state. Run terraform destroy again once it has ended (terraform plan "
            "shows its state), or set a longer timeouts.delete.",
        )

    def import_state(self, call: Call, import_id: str) -> State | None:
        from provider_shim.framework.import_id import parse_remediation_import_id

        cluster_id, instance_id, remediation_id = parse_remediation_import_id(import_id)
        remediation = call.session.lookups.require(
            cluster_id, instance_id, remediation_id, summary="Cannot import a remediation that does not exist"
        )
        from provider_shim.framework.convert import remediation_values

        values = remediation_values(remediation)
        base = {
            "cluster_id": cluster_id,
            "instance_id": instance_id,
            "mode": values["mode"],
            "reason": values["reason"],
            "remediation_id": remediation_id,
            "wait_for": "terminal",
            "rerun_on_failure": False,
        }
        return self._state_from(base, remediation, [remediation])

    def read(self, call: ReadCall) -> State | None:
        state = call.state
        remediation = call.session.lookups.remediation(state["cluster_id"], state["instance_id"], state["id"])
        if remediation is None:
            log.info("remediation %s no longer exists: removing it from state", state["id"])
            return None
        return self._state_from(state, remediation, _attempt_models(state.get("attempts")))

    # ---- helpers --------------------------------------------------------------------------

    def _adopt(self, session, cluster_id, instance_id, base, attempt, steps):
        """The latest existing remediation of this intent from ``attempt`` on, if any.

        A create finding its own id already there is an apply that was cut short after the POST:
        adopt that remediation instead of starting another.
        """
        from provider_shim.framework.identity import MAX_ATTEMPTS_SEARCHED, attempt_id

        known = session.lookups.cluster_remediations(cluster_id)
        latest = None
        for a in range(attempt, attempt + MAX_ATTEMPTS_SEARCHED):
            found_in_attempt = False
            for s in range(steps):
                rid = attempt_id(base, a, s)
                if rid in known and known[rid].instance_id == instance_id:
                    latest, found_in_attempt = (a, s, rid), True
            if not found_in_attempt and a > attempt:
                break
        if latest is None:
            return None
        fresh = session.lookups.fetch(cluster_id, instance_id, latest[2])
        return (latest[0], latest[1], fresh) if fresh is not None else None

    def _earlier_steps(self, session, cluster_id, instance_id, base, attempt, step) -> list:
        from provider_shim.framework.identity import attempt_id

        earlier = []
        for s in range(step):
            found = session.lookups.fetch(cluster_id, instance_id, attempt_id(base, attempt, s))
            if found is not None:
                earlier.append(found)
        return earlier

    def _cancel(self, session, remediation):
        from together_api.errors import FailedPreconditionError, NotFoundError

        try:
            cancelled = session.client.cancel_remediation(remediation.cluster_id, remediation.instance_id, remediation.id)
            log.info("cancelled remediation %s", remediation.id)
            return cancelled
        except NotFoundError:
            return None
        except FailedPreconditionError:
            # It moved on (started or ended) between the read and the cancel: look again.
            return session.lookups.fetch(remediation.cluster_id, remediation.instance_id, remediation.id)

    def _remember_forgotten(self, session, prior: State) -> None:
        """Tell this launch's creates that this attempt is gone, so a replacement takes the next one."""
        from provider_shim.framework.identity import locate

        if is_known(prior.get("remediation_id")) and prior.get("remediation_id") and not _derived(prior):
            return
        ladder = _ladder(prior)
        base = _intent_base(prior, ladder)
        for rid in [prior.get("id")] + [a.get("id") for a in prior.get("attempts") or []]:
            where = locate(base, rid, len(ladder)) if rid else None
            if where is not None:
                session.forgotten.record(base, where[0])

    def _state_from(self, base: State, remediation, attempts: list) -> State:
        from provider_shim.framework.convert import attempt_value, remediation_values

        values = remediation_values(remediation)
        state = dict(base)
        for name in LIVE_FIELDS:
            state[name] = values[name]
        state["id"] = remediation.id
        state["remediation_id"] = state.get("remediation_id") if is_known(state.get("remediation_id")) else None
        if not state.get("remediation_id"):
            state["remediation_id"] = remediation.id
        entries = [a if isinstance(a, dict) else attempt_value(a) for a in attempts]
        _record(entries, remediation)
        state["attempts"] = entries
        return state

    def _report_outcome(self, call: Call, remediation, outcome: str, timeout: float, doing: str, attempts: list | None = None) -> None:
        state = _state(remediation)
        where = f"{remediation.cluster_id}/{remediation.instance_id}"
        if outcome == "stopped":
            call.warn(
                f"Stopped waiting for remediation {remediation.id} ({state})",
                f"Terraform asked the provider to stop. The remediation of {where} is kept in state; "
                "the next plan shows where it got to.",
            )
        elif outcome == "timeout":
            call.error(
                f"Timed out {doing} remediation {remediation.id}",
                f"The remediation of {where} is still {state} after {format_duration(timeout)} "
                "(timeouts.create). It is kept in state.",
            )
        elif state == "FAILED" and attempts and len(attempts) > 1:
            # A whole escalation ladder failed: say how each step ended.
            steps = [
                f"{n}. {a['mode']} ({a['id']}): {a['state']}: {a.get('error_message') or 'no error message'}"
                for n, a in enumerate(attempts, 1)
            ]
            call.error(f"Every step of the escalation of {where} failed", "\n".join(steps))
        elif state == "FAILED":
            call.error(
                f"Remediation {remediation.id} of {where} failed",
                remediation.error_message or "The API gave no error message.",
            )
        elif state in ("CANCELLED", "AUTO_RESOLVED"):
            call.warn(
                f"Remediation {remediation.id} of {where} ended {state}",
                "It did not repair the instance. Set rerun_on_failure = true to run it again when it is cancelled.",
            )


def _all_of(states) -> str:
    names = [s for s in vocabulary.STATE_NAMES if s in states]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _ladder(values: State) -> list:
    """The modes to try in order: the escalation, or the one mode."""
    return list(values.get("escalation") or [values.get("mode")])


def _intent_base(values: State, ladder: list) -> str:
    """The base id the provider derives from the intent (see ``framework.identity``)."""
    from provider_shim.framework.identity import intent_base_id

    return intent_base_id(values["cluster_id"], values["instance_id"], ladder, values.get("reason"), values.get("triggers"))


def _timeout(values: State, operation: str) -> float:
    timeouts = values.get("timeouts") or {}
    return parse_duration(timeouts.get(operation) or DEFAULT_TIMEOUTS[operation])


def _attempt_models(entries: Any) -> list:
    return [dict(e) for e in entries or []]


def _record(attempts: list, remediation) -> None:
    """Put ``remediation`` in the attempts list: refresh its entry, or append it."""
    from provider_shim.framework.convert import attempt_value

    entry = attempt_value(remediation)
    for index, existing in enumerate(attempts):
        if (existing["id"] if isinstance(existing, dict) else existing.id) == remediation.id:
            attempts[index] = entry
            return
    attempts.append(entry)


def _ladder_position(prior: State, ladder: list) -> tuple[str, tuple[int, int] | None]:
    """The intent's base id and ``(attempt, step)`` of the prior remediation, for escalations."""
    from provider_shim.framework.identity import locate

    if len(ladder) < 2:
        return "", None
    chosen = prior.get("remediation_id")
    bases = [_intent_base(prior, ladder)]
    if chosen:
        bases.append(chosen)
    for base in bases:
        where = locate(base, prior["id"], len(ladder))
        if where is not None:
            return base, where
    return "", None


def _ladder_unfinished(prior: State) -> bool:
    """An escalation whose current step FAILED with modes left to try (its apply was stopped)."""
    ladder = list(prior.get("escalation") or [])
    if prior.get("state") != "FAILED" or len(ladder) < 2:
        return False
    _, where = _ladder_position(prior, ladder)
    return where is not None and where[1] < len(ladder) - 1


def _derived(prior: State) -> bool:
    """Whether the prior remediation_id was derived by the provider (not set by the user)."""
    from provider_shim.framework.identity import locate

    ladder = _ladder(prior)
    base = _intent_base(prior, ladder)
    return locate(base, prior.get("remediation_id"), len(ladder)) is not None


RESOURCE_TYPE = RemediationResource
