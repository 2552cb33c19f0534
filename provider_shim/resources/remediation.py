"""Resource ``together_remediation``: "this instance gets this repair", as Terraform state.

Intent (arguments) → live remediation (computed attributes). A plan is empty while the live
remediation satisfies the intent; it shows a change when the remediation disappeared (create),
when it ended FAILED or CANCELLED and ``rerun_on_failure`` asks for another attempt
(replacement, with a warning saying why), or when it is still on its way and ``wait_for`` asks
to wait for more (in-place update that waits).

Identity (docs/design/contracts.md, "Identity: one declaration, one repair"): the create sends an
id derived from the intent and carries an intent token in its reason, so the provider finds its
own remediations whether or not the API honours the id (``framework.identity``). A create is a
single pass: intent → where to start, adopt or a new attempt (``framework.adoption``) → find or
create (``framework.creating``) → wait → state; what the apply saw is kept in private state for
the drift warnings of later plans (``framework.applied``).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from typing import Any

from tf.types import Unknown

from provider_shim.framework.adoption import (
    PLANNED_START_KEY,
    PlannedStart,
    Start,
    StartKind,
    adoption_warning,
    choose_start,
    earlier_attempt_note,
)
from provider_shim.framework.applied import AppliedRecord, Seen, drift_since_apply, live_seen, store_live
from provider_shim.framework.base import ApplyCall, Call, PlanCall, ProviderError, ReadCall, ResourceType, State
from provider_shim.framework.convert import attempt_value, remediation_values
from provider_shim.framework.creating import Created, create_once, id_honoured
from provider_shim.framework.durations import format_duration, parse_duration
from provider_shim.framework.identity import Intent, Position
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
from provider_shim.framework.waiting import wait_for_remediation
from together_api import vocabulary
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
# What the intent is made of: a create plan looks for leftovers only when all of them are known.
INTENT_FIELDS = ("cluster_id", "instance_id", "mode", "escalation", "reason", "triggers")
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
                optional(
                    "reason",
                    String(),
                    FIELD["reason"] + " Changing it forces a new remediation. The provider appends an intent token, "
                    "` [tf-XXXXXXXXXX]` (ten hex digits of the remediation_id it sends), to the reason it sends: it finds "
                    "the provider's own remediations when the API does not keep its ids. Together's console and API show "
                    "it; state, data sources and the plan review never do.",
                    force_new=True,
                ),
                optional(
                    "triggers",
                    Map(String()),
                    "Arbitrary values; changing any of them runs the same remediation again (a new remediation).",
                    force_new=True,
                ),
                optional_computed(
                    "remediation_id",
                    String(),
                    "Idempotency key (a UUID, in any spelling: upper case, braces and `urn:uuid:` are compared in "
                    "canonical form) sent with the create. When unset, the provider derives it from the intent (and a new "
                    "one for each attempt and escalation step), so a retried or re-run apply never starts a second "
                    "remediation. An explicit id names one remediation: if it exists with another instance, mode or reason, "
                    "the plan fails quoting it. Setting it forces a new remediation when it changes.",
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
                computed(
                    "id",
                    String(),
                    "The remediation's id (a UUID) as the API answers it: the same as `remediation_id` (in canonical "
                    "form) when the API honours the id sent, the server's own id when it does not.",
                ),
                computed(
                    "adopted_remediation_id",
                    String(),
                    "Set when the create adopted an existing remediation of this declaration (the leftover of an "
                    "interrupted apply) instead of starting one: the plan says so with a warning and shows this id; "
                    "null when the create started its own remediation.",
                ),
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
        check.text(MAX_REASON_LENGTH, "reason")
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
            self._plan_create(call)
            return

        prior = call.prior
        if call.provider.session is not None:  # always configured under Terraform (unit tests plan without one)
            _hold(call.session, prior)  # a replacement's create, even with -refresh=false, never adopts it
        intent = Intent.of(prior)
        record = _applied_record(call.private, intent, prior)
        record.store(call.private)
        live_state = prior.get("state")
        reruns = not call.requires_replace and planned.get("rerun_on_failure") is True and live_state in vocabulary.RERUN_STATES
        self._warn_drift(call, record, skip_state=reruns)
        if reruns:
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
        if _ladder_unfinished(intent, record.position, live_state):
            # The update climbs on to the next mode: a new remediation, so every live field changes.
            for name in (*LIVE_FIELDS, "id", "attempts"):
                planned[name] = Unknown
            if config.get("remediation_id") is None:
                planned["remediation_id"] = Unknown
        elif not satisfied(live_state, planned.get("wait_for") or "terminal"):
            # Still on its way: the update waits for it, so these may change.
            for name in CHANGING_FIELDS:
                planned[name] = Unknown

    def _plan_create(self, call: PlanCall) -> None:
        """Look for this declaration's leftovers: the plan says whether the apply adopts or runs one."""
        planned = call.planned
        planned["id"] = Unknown  # the server's id: known only once it answers (it may not honour ours)
        planned["adopted_remediation_id"] = Unknown
        if not all(planned.get(name) is None or is_known(planned.get(name)) for name in INTENT_FIELDS):
            return  # the apply decides, and says so when it adopts
        intent = Intent.of(planned)
        # Not from the private state a replacement's plan is handed: Terraform plans the create again
        # during the apply without it, and both plans must agree. The journal keeps the replaced
        # object out of every adoption in both (``framework.released``).
        first_attempt = _first_attempt(call.session, intent)
        call.private.clear()  # a replacement's create starts from nothing of the old object
        start = self._choose_start(call.session, intent, first_attempt, _timeout(planned, "create"))
        PlannedStart.of(start).store(call.private)
        single = intent.steps == 1
        if config_unset(call.config, "remediation_id") and single:
            planned["remediation_id"] = intent.id_at(start.position)
        if start.adopting:
            planned["adopted_remediation_id"] = start.remediation.id
            if single:
                planned["id"] = start.remediation.id
            call.warn(*adoption_warning(start, "This plan"))
        else:
            planned["adopted_remediation_id"] = None
            note = earlier_attempt_note(start)
            if note is not None:
                call.warn(*note)

    def _choose_start(self, session, intent: Intent, first_attempt: int, timeout: float) -> Start:
        return choose_start(
            intent,
            session.lookups.cluster_index(intent.cluster_id),
            first_attempt=first_attempt,
            released=session.released.ids(),
            create_timeout=timeout,
        )

    def _warn_drift(self, call: PlanCall, record: AppliedRecord, *, skip_state: bool) -> None:
        live = live_seen(call.private)
        for drift in drift_since_apply(record, live, call.prior or {}):
            if skip_state and drift.summary.startswith(f"Remediation {call.prior.get('id')} ended"):
                continue  # the replacement's own warning says it
            call.warn(drift.summary, drift.detail)

    def plan_destroy(self, call: PlanCall) -> None:
        # Destroy plans reach the provider (the plan_destroy capability): say what the apply will
        # do to a remediation that is still active, before anyone approves the plan.
        prior = call.prior or {}
        live_state, remediation_id = prior.get("state"), prior.get("id")
        where = f"{prior.get('cluster_id')}/{prior.get('instance_id')}"
        if live_state in vocabulary.CANCELLABLE_STATES:
            summary = f"Destroying cancels remediation {remediation_id} ({live_state})"
            detail = f"The remediation of {where} has not started; the destroy cancels it at the API."
        elif live_state in vocabulary.STARTED_STATES:
            summary = f"Remediation {remediation_id} is {live_state} and cannot be cancelled: destroy waits for it to end"
            detail = (
                f"Work on {where} has begun ({STARTED_BECAUSE.get(live_state, live_state)}); the destroy waits until "
                f"the remediation ends (at most timeouts.delete, {format_duration(_timeout(prior, 'delete'))})."
            )
        else:
            return  # ended: the destroy only forgets it
        call.warn(summary, detail)

    # ---- apply ----------------------------------------------------------------------------

    def create(self, call: ApplyCall) -> State | None:
        """intent → where to start (adopt or a new attempt) → find or create → wait → state."""
        planned = dict(call.planned or {})
        intent = Intent.of(planned)
        timeout = _timeout(planned, "create")
        with call.session.rollout_slot(intent.cluster_id) as started:
            if not started:
                raise ProviderError("Stopped before the remediation was created", "Terraform asked the provider to stop.")
            start = self._start_of_apply(call, intent, timeout)
            earlier = list(start.earlier_steps) if start.adopting else []
            run = self._run_ladder(call, intent, planned, start.position, start.remediation if start.adopting else None, earlier, timeout)

        if run.outcome is Outcome.TIMEOUT:
            # An error with a new state taints the resource, and the next apply would replace it:
            # a second run of a remediation that is still on its way. Leave it out of state; the
            # next apply finds it (id or intent token) and adopts it (and waits again), so it runs once.
            raise ProviderError(
                f"Timed out creating remediation {run.remediation.id}",
                f"The remediation of {intent.cluster_id}/{intent.instance_id} is still {_state(run.remediation)} after "
                f"{format_duration(timeout)} (timeouts.create) and carries on. Run terraform apply again to wait "
                "for it: the provider finds this remediation and adopts it instead of starting another.",
            )
        planned["adopted_remediation_id"] = start.remediation.id if start.adopting and not start.planned_as_new else None
        state = self._state_from(planned, intent, run)
        # Not journalled here: Terraform may be killed before it writes this state, and the re-run
        # must then adopt this remediation as the leftover it is. Every later plan, refresh or
        # destroy of it journals it.
        _store_applied(call.private, intent, run)
        self._report_outcome(call, run.remediation, run.outcome, timeout, "creating", state["attempts"])
        return state

    def _start_of_apply(self, call: ApplyCall, intent: Intent, timeout: float) -> ApplyStart:
        """Where this create starts: the plan's choice, checked against what exists now."""
        session = call.session
        planned_start = PlannedStart.from_private(call.private)
        first_attempt = _first_attempt(session, intent)
        if planned_start is not None:
            first_attempt = max(first_attempt, planned_start.position.attempt)
        start = self._choose_start(session, intent, first_attempt, timeout)
        call.private.pop(PLANNED_START_KEY, None)
        if planned_start is None:
            if start.adopting:
                call.warn(*adoption_warning(start, "The apply"))
            return ApplyStart.of(start, planned_as_new=False)
        if planned_start.kind is StartKind.ADOPT:
            if start.adopting and start.remediation.id == planned_start.remediation_id:
                call.warn(*adoption_warning(start, "The apply"))
                return ApplyStart.of(start, planned_as_new=False)
            raise _plan_no_longer_holds(intent, planned_start, start)
        if start.position == planned_start.position:
            if start.adopting:
                # The create this plan makes exists already: an interrupted apply of this same plan.
                log.info("remediation %s of the planned attempt exists already: carrying on with it", start.remediation.id)
            return ApplyStart.of(start, planned_as_new=True)
        raise _plan_no_longer_holds(intent, planned_start, start)

    def _run_ladder(self, call, intent: Intent, planned: State, position: Position, remediation, attempts: list, timeout: float) -> LadderRun:
        """Create (unless given) and wait for step ``position.step``; on FAILED, go on to the next mode.

        Every remediation waited for is recorded in ``attempts``.
        """
        created: Created | None = None
        while True:
            if remediation is None:
                created = create_once(call.session, intent, position)
                remediation = created.remediation
                log.info("created remediation %s on %s/%s (%s, %s)", remediation.id, intent.cluster_id, intent.instance_id, intent.mode_at(position), _state(remediation))
            last_step = position.step == intent.steps - 1
            remediation, outcome = wait_for_remediation(call.session, remediation, planned["wait_for"] if last_step else "terminal", timeout)
            outcome = Outcome(outcome)
            _record(attempts, remediation)
            if outcome is Outcome.DONE and _state(remediation) == "FAILED" and not last_step:
                log.info("remediation %s failed; escalating to %s", remediation.id, intent.modes[position.step + 1])
                position, remediation = Position(position.attempt, position.step + 1), None
                continue
            return LadderRun(remediation, position, outcome, attempts, created)

    def update(self, call: ApplyCall) -> State | None:
        planned = dict(call.planned or {})
        prior = call.prior or {}
        # Unknown planned values are refilled from the remediation below (remediation_id too).
        state = {**prior, **planned}
        intent = Intent.of(prior)
        record = _applied_record(call.private, intent, prior)
        if satisfied(prior.get("state"), planned.get("wait_for") or "terminal") and not _ladder_unfinished(intent, record.position, prior.get("state")):
            return state
        session = call.session
        current = session.lookups.fetch(prior["cluster_id"], prior["instance_id"], prior["id"])
        if current is None:
            raise ProviderError(f"Remediation {prior['id']} no longer exists", "It was deleted outside of Terraform; run terraform apply again to recreate it.")
        timeout = _timeout(planned, "create")
        attempts = _attempt_models(prior.get("attempts"))
        if intent.steps > 1 and record.position is not None:
            # An apply stopped mid-ladder: wait for this step and, if it fails, climb on.
            run = self._run_ladder(call, intent, planned, record.position, current, attempts, timeout)
        else:
            current, outcome = wait_for_remediation(call.session, current, planned["wait_for"], timeout)
            _record(attempts, current)
            run = LadderRun(current, record.position, Outcome(outcome), attempts, None)
        result = self._state_from(state, intent, run)
        _hold(session, result)
        _store_applied(call.private, intent, run, record)
        self._report_outcome(call, run.remediation, run.outcome, timeout, "waiting for", result["attempts"])
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
        self._release(session, prior, call.private)

    def _wait_for_end(self, call: ApplyCall, current, timeout: float):
        """A started remediation (quarantine states, RUNNING) cannot be cancelled: wait for its end.

        Not ending within ``timeouts.delete`` is an error that says which state it is in and why
        that cannot be cancelled; the remediation stays in state.
        """
        state = _state(current)
        because = STARTED_BECAUSE.get(state, f"it is {state}")
        log.info(
            "remediation %s is %s (%s): a started remediation cannot be cancelled; waiting up to %s for it to end",
            current.id, state, because, format_duration(timeout),
        )
        current, outcome = wait_for_remediation(call.session, current, "terminal", timeout)
        if Outcome(outcome) is Outcome.DONE:
            return current
        state = _state(current)
        because = STARTED_BECAUSE.get(state, f"it is {state}")
        waited = (
            "Terraform asked the provider to stop before it ended"
            if Outcome(outcome) is Outcome.STOPPED
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
        values = remediation_values(remediation)
        base = {
            "cluster_id": cluster_id,
            "instance_id": instance_id,
            "mode": values["mode"],
            "reason": values["reason"],
            "remediation_id": remediation_id,
            "wait_for": "terminal",
            "rerun_on_failure": False,
            "adopted_remediation_id": None,
        }
        intent = Intent.of(base)
        run = LadderRun(remediation, Position(0, 0), Outcome.DONE, [remediation], None)
        _store_applied(call.private, intent, run)
        imported = self._state_from(base, intent, run)
        _hold(call.session, imported, durable=True)
        return imported

    def read(self, call: ReadCall) -> State | None:
        state = call.state
        remediation = call.session.lookups.refreshed(state["cluster_id"], state["instance_id"], state["id"], in_state_as="it")
        if remediation is None:
            return None
        _hold(call.session, state)
        intent = Intent.of(state)
        record = _applied_record(call.private, intent, state)
        if record.seen is None:  # a state from before this record: what is seen now is the baseline
            record = record.seeing(remediation)
        record.store(call.private)
        store_live(call.private, remediation)
        run = LadderRun(remediation, record.position, Outcome.DONE, _attempt_models(state.get("attempts")), None)
        return self._state_from(state, intent, run, keep_remediation_id=True)

    # ---- helpers --------------------------------------------------------------------------

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

    def _release(self, session, prior: State, private: dict) -> None:
        """This object is gone from state: its attempt is never adopted again.

        In this launch, a replacement's create takes the next attempt (``ForgottenAttempts``);
        across launches, the released journal keeps its ids out of every adoption.
        """
        intent = Intent.of(prior)
        record = _applied_record(private, intent, prior)
        if record.position is not None:
            session.forgotten.record(intent.base_id, record.position.attempt)
        _hold(session, prior, durable=True)

    def _state_from(self, base: State, intent: Intent, run: LadderRun, *, keep_remediation_id: bool = False) -> State:
        values = remediation_values(run.remediation)
        state = dict(base)
        for name in LIVE_FIELDS:
            state[name] = values[name]
        state["id"] = run.remediation.id  # always the server's id
        configured = state.get("remediation_id")
        if intent.fixed and is_known(configured):
            pass  # what the user configured, in the user's spelling
        elif keep_remediation_id and is_known(configured) and configured:
            pass
        elif run.position is not None:
            state["remediation_id"] = intent.id_at(run.position)  # the id the create sent
        else:
            state["remediation_id"] = run.remediation.id
        if not is_known(state.get("adopted_remediation_id")):
            state["adopted_remediation_id"] = None
        entries = [a if isinstance(a, dict) else attempt_value(a) for a in run.attempts]
        _record(entries, run.remediation)
        state["attempts"] = entries
        return state

    def _report_outcome(self, call: Call, remediation, outcome: Outcome, timeout: float, doing: str, attempts: list | None = None) -> None:
        state = _state(remediation)
        where = f"{remediation.cluster_id}/{remediation.instance_id}"
        if outcome is Outcome.STOPPED:
            call.warn(
                f"Stopped waiting for remediation {remediation.id} ({state})",
                f"Terraform asked the provider to stop. The remediation of {where} is kept in state; "
                "the next plan shows where it got to.",
            )
        elif outcome is Outcome.TIMEOUT:
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


class Outcome(enum.Enum):
    """How a wait ended (``framework.waiting``)."""

    DONE = "done"
    STOPPED = "stopped"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class ApplyStart:
    """Where the apply's create starts; ``planned_as_new``: the plan said "a new remediation"."""

    kind: StartKind
    position: Position
    remediation: Any
    planned_as_new: bool
    earlier_steps: tuple[Any, ...] = ()  # an adopted ladder step's earlier steps

    @property
    def adopting(self) -> bool:
        return self.kind is StartKind.ADOPT

    @classmethod
    def of(cls, start: Start, *, planned_as_new: bool) -> ApplyStart:
        return cls(start.kind, start.position, start.remediation, planned_as_new, start.earlier_steps)


@dataclass
class LadderRun:
    """The last remediation waited for, where it sits, how the wait ended, every step waited for."""

    remediation: Any
    position: Position | None
    outcome: Outcome
    attempts: list
    created: Created | None


def config_unset(config: State, name: str) -> bool:
    return config.get(name) is None


def _plan_no_longer_holds(intent: Intent, planned: PlannedStart, now: Start) -> ProviderError:
    planned_text = (
        f"to adopt remediation {planned.remediation_id}" if planned.kind is StartKind.ADOPT else "to start a new remediation"
    )
    now_text = (
        f"remediation {now.remediation.id} ({_state(now.remediation)}) is what this declaration would adopt now"
        if now.adopting
        else "the adoption no longer holds (the remediation ended, was cancelled, or is gone)"
    )
    return ProviderError(
        f"The plan for {intent.cluster_id}/{intent.instance_id} no longer holds: run terraform plan again",
        f"The plan said {planned_text}, but {now_text}. Nothing was created. Run terraform plan (or apply) "
        "again: the new plan says what the apply will do.",
    )


def _first_attempt(session, intent: Intent) -> int:
    """The first attempt a create may use: past any this launch forgot (a replacement's destroy)."""
    return 0 if intent.fixed else session.forgotten.next_attempt(intent.base_id)


def _applied_record(private: dict, intent: Intent, values: State) -> AppliedRecord:
    """The private record, or one rebuilt from the state (states written before it existed)."""
    record = AppliedRecord.from_private(private)
    if record is not None and record.position is not None:
        return record
    sent = values.get("remediation_id") if not intent.fixed else intent.base_id
    position = intent.position_of_id(sent) or intent.position_of_id(values.get("id"))
    if intent.fixed and position is None:
        position = Position(0, 0)
    sent_id = intent.id_at(position) if position is not None else None
    return AppliedRecord(position, sent_id, record.honoured if record else None, record.seen if record else None)


def _store_applied(private: dict, intent: Intent, run: LadderRun, earlier: AppliedRecord | None = None) -> None:
    position = run.position
    sent_id = intent.id_at(position) if position is not None else None
    if run.created is not None:
        honoured = run.created.honoured
    else:
        honoured = earlier.honoured if earlier is not None else (id_honoured(sent_id, run.remediation) if sent_id else None)
    AppliedRecord(position, sent_id, honoured, Seen.of(run.remediation)).store(private)
    store_live(private, run.remediation)


def _hold(session, values: State, *, durable: bool = False) -> None:
    """This state holds these remediations: no create ever adopts them (``framework.released``).

    Durable (written before the call returns) when the object leaves state or enters it by
    import; what refreshes and plans see is written once at the launch's end."""
    ids = [values.get("id")] + [a.get("id") for a in values.get("attempts") or [] if isinstance(a, dict)]
    session.released.release(ids, durable=durable)


def _all_of(states) -> str:
    names = [s for s in vocabulary.STATE_NAMES if s in states]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _timeout(values: State, operation: str) -> float:
    timeouts = values.get("timeouts") or {}
    return parse_duration(timeouts.get(operation) or DEFAULT_TIMEOUTS[operation])


def _attempt_models(entries: Any) -> list:
    return [dict(e) for e in entries or []]


def _record(attempts: list, remediation) -> None:
    """Put ``remediation`` in the attempts list: refresh its entry, or append it."""
    entry = attempt_value(remediation)
    for index, existing in enumerate(attempts):
        if (existing["id"] if isinstance(existing, dict) else existing.id) == remediation.id:
            attempts[index] = entry
            return
    attempts.append(entry)


def _ladder_unfinished(intent: Intent, position: Position | None, state: str | None) -> bool:
    """An escalation whose current step FAILED with modes left to try (its apply was stopped)."""
    if state != "FAILED" or intent.steps < 2 or position is None:
        return False
    return position.step < intent.steps - 1


RESOURCE_TYPE = RemediationResource
