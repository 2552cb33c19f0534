"""The remediation service's rules, on top of the store.

Every method runs synchronously on the event loop's thread, so writes are serialized without a
lock: two creates with one ``remediation_id`` can never interleave. Lifecycles advance lazily:
each request first moves every remediation whose next transition is due, using the times planned
when it entered PENDING, so the history reads the same whether or not anyone was looking.
"""

from __future__ import annotations

import sqlite3
import uuid
from typing import Any

from together_api import vocabulary
from together_api.errors import RpcCode
from together_api.models import RemediationTrigger

from together_simulator import timeutil
from together_simulator.errors import ApiError, failed_precondition, invalid, not_found
from together_simulator.lifecycle import MODES, PHASES, Durations, FailureConfig, LifecycleConfig, next_phase
from together_simulator.pagination import decode_token, encode_token, page_size, query_fingerprint
from together_simulator.render import alert_json, remediation_json
from together_simulator.store import Store

API_USER = "sim-user@example.com"
"""Who the simulator says made and reviewed requests sent with an accepted key."""
STATES = vocabulary.STATE_NAMES
TRIGGERS = vocabulary.TRIGGER_NAMES
ACTIVE = tuple(sorted(vocabulary.ACTIVE_STATES))
# order_by -> (sort column, descending). The sequence number breaks ties and follows creation.
ORDER_BY = {
    "create_time": ("seq", False),
    "create_time asc": ("seq", False),
    "create_time desc": ("seq", True),
    "update_time": ("update_time", False),
    "update_time asc": ("update_time", False),
    "update_time desc": ("update_time", True),
}


def canonical_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        return None


def planned_seconds(row: sqlite3.Row, state: str) -> float:
    """Seconds the row's plan gives ``state`` (NULL: a row planned before the state existed)."""
    return row[f"{state.lower()}_seconds"] or 0.0


class Service:
    """Remediations: lookups, lifecycles, the ``/v1`` operations and out-of-band changes."""

    def __init__(self, store: Store, lifecycle: LifecycleConfig, failures: FailureConfig) -> None:
        self.store = store
        self.lifecycle = lifecycle
        self.failures = failures
        # Off: a create's remediation_id is ignored and every create gets an id of the server's,
        # as an API that does not honour client ids would answer.
        self.honour_remediation_ids = True

    # ---- lifecycle ----------------------------------------------------------------------

    def advance_due(self, now: float | None = None) -> int:
        """Move every remediation whose planned transition time has passed; returns how many.

        A remediation passes through every state whose time is up, so with zero durations one
        read takes it from PENDING to its outcome; each transition is dated when it was due."""
        now = timeutil.now() if now is None else now
        store = self.store
        if store.one("SELECT 1 FROM remediations WHERE next_transition_at <= ? LIMIT 1", (now,)) is None:
            return 0
        moved = 0
        with store.write() as db:
            rows = db.execute("SELECT * FROM remediations WHERE next_transition_at <= ?", (now,)).fetchall()
            for row in rows:
                state, due, start_time = row["state"], row["next_transition_at"], row["start_time"]
                if state not in PHASES:  # forced elsewhere: nothing planned any more
                    db.execute("UPDATE remediations SET next_transition_at=NULL WHERE id=?", (row["id"],))
                    continue
                outcome: str | None = None
                while due <= now:
                    following = next_phase(row["mode"], state)
                    if following is None:
                        outcome = "FAILED" if row["planned_error"] else "SUCCEEDED"
                        break
                    state = following
                    if start_time is None and state in vocabulary.STARTED_STATES:
                        start_time = due
                    entered = due
                    due = entered + planned_seconds(row, state)
                if outcome is not None:
                    db.execute(
                        "UPDATE remediations SET state=?, error_message=?, start_time=?, end_time=?, update_time=?,"
                        " next_transition_at=NULL WHERE id=?",
                        (outcome, row["planned_error"], start_time if start_time is not None else due, due, due,
                         row["id"]),
                    )
                else:
                    db.execute(
                        "UPDATE remediations SET state=?, start_time=?, update_time=?, next_transition_at=? WHERE id=?",
                        (state, start_time, entered, due, row["id"]),
                    )
                moved += 1
        return moved

    def _store_plan(self, db: sqlite3.Connection, remediation_id: str, durations: Durations) -> None:
        db.execute(
            "UPDATE remediations SET pending_seconds=?, quarantining_seconds=?, quarantined_seconds=?,"
            " running_seconds=? WHERE id=?",
            (durations.pending_seconds, durations.quarantining_seconds, durations.quarantined_seconds,
             durations.running_seconds, remediation_id),
        )

    def start_pending(self, db: sqlite3.Connection, remediation_id: str, at: float) -> None:
        """Plan the lifecycle of a remediation that enters PENDING at ``at`` (in its mode now)."""
        row = db.execute(
            "SELECT cluster_id, instance_id, mode FROM remediations WHERE id=?", (remediation_id,)
        ).fetchone()
        durations = self.lifecycle.for_mode(row["mode"])
        error = self.failures.planned_error(row["cluster_id"], row["instance_id"], row["mode"])
        self._store_plan(db, remediation_id, durations)
        db.execute(
            "UPDATE remediations SET state='PENDING', planned_error=?, next_transition_at=?, update_time=? WHERE id=?",
            (error, at + durations.pending_seconds, at, remediation_id),
        )

    # ---- lookups ------------------------------------------------------------------------

    def require_cluster(self, cluster_id: str) -> sqlite3.Row:
        row = self.store.one("SELECT * FROM clusters WHERE cluster_id=?", (cluster_id,))
        if row is None:
            raise not_found(f'cluster "{cluster_id}" not found')
        return row

    def require_node(self, cluster_id: str, instance_id: str) -> sqlite3.Row:
        self.require_cluster(cluster_id)
        row = self.store.one("SELECT * FROM nodes WHERE cluster_id=? AND instance_id=?", (cluster_id, instance_id))
        if row is None:
            raise not_found(f'instance "{instance_id}" not found in cluster "{cluster_id}"')
        return row

    def _require_remediation_row(self, cluster_id: str, instance_id: str, remediation_id: str) -> sqlite3.Row:
        if instance_id == "-":
            self.require_cluster(cluster_id)
        else:
            self.require_node(cluster_id, instance_id)
        wanted = canonical_uuid(remediation_id) or remediation_id
        row = self.store.one("SELECT * FROM remediations WHERE id=? AND cluster_id=?", (wanted, cluster_id))
        if row is None or (instance_id != "-" and row["instance_id"] != instance_id):
            raise not_found(
                f'remediation "{remediation_id}" not found on instance "{instance_id}" of cluster "{cluster_id}"'
            )
        return row

    def _alerts_by_remediation(self, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        found: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.store.all(
                f"SELECT * FROM alerts WHERE remediation_id IN ({marks}) ORDER BY seq", chunk
            ):
                found.setdefault(row["remediation_id"], []).append(alert_json(row))
        return found

    def render(self, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
        """Remediation rows as the API writes them, each with its linked alerts."""
        alerts = self._alerts_by_remediation([r["id"] for r in rows])
        return [remediation_json(row, alerts.get(row["id"], [])) for row in rows]

    def render_one(self, remediation_id: str) -> dict[str, Any]:
        row = self.store.one("SELECT * FROM remediations WHERE id=?", (remediation_id,))
        return self.render([row])[0]

    # ---- remediation endpoints ----------------------------------------------------------

    def create(self, cluster_id: str, instance_id: str, body: Any, remediation_id: str | None) -> dict[str, Any]:
        if instance_id == "-":
            raise invalid('instance_id "-" (every instance) is only valid when listing; name one instance')
        mode, reason = parse_create_body(body)
        chosen_id: str | None = None
        if remediation_id is not None and self.honour_remediation_ids:
            chosen_id = canonical_uuid(remediation_id)
            if chosen_id is None:
                raise invalid(f"remediation_id must be a UUID, got {remediation_id!r}")
        node = self.require_node(cluster_id, instance_id)
        with self.store.write() as db:
            if chosen_id is not None:
                existing = db.execute("SELECT * FROM remediations WHERE id=?", (chosen_id,)).fetchone()
                if existing is not None:
                    same = (
                        existing["cluster_id"] == cluster_id
                        and existing["instance_id"] == instance_id
                        and existing["mode"] == mode
                        and (existing["reason"] or None) == (reason or None)
                        and existing["trigger"] == RemediationTrigger.MANUAL.value
                    )
                    if not same:
                        raise ApiError(
                            RpcCode.ALREADY_EXISTS,
                            f'remediation "{chosen_id}" already exists with a different request'
                            f" (instance {existing['instance_id']}, mode {existing['mode']});"
                            " use a new remediation_id",
                        )
                    return self.render([existing])[0]
            active = db.execute(
                f"SELECT id, state FROM remediations WHERE cluster_id=? AND instance_id=?"
                f" AND state IN ({','.join('?' * len(ACTIVE))}) ORDER BY seq LIMIT 1",
                (cluster_id, instance_id, *ACTIVE),
            ).fetchone()
            if active is not None:
                raise failed_precondition(
                    f'instance "{instance_id}" already has an active remediation "{active["id"]}"'
                    f" in state {active['state']}; wait for it to finish or cancel it first"
                )
            new_id = chosen_id or str(uuid.uuid4())
            now = timeutil.now()
            db.execute(
                "INSERT INTO remediations (id, cluster_id, instance_id, instance_name, mode, trigger, state, reason,"
                " requested_by, create_time, update_time) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (new_id, cluster_id, instance_id, node["node_name"], mode, RemediationTrigger.MANUAL.value,
                 "PENDING", reason, API_USER, now, now),
            )
            self.start_pending(db, new_id, now)
        return self.render_one(new_id)

    def get(self, cluster_id: str, instance_id: str, remediation_id: str) -> dict[str, Any]:
        row = self._require_remediation_row(cluster_id, instance_id, remediation_id)
        return self.render([row])[0]

    def list(
        self,
        cluster_id: str,
        instance_id: str,
        *,
        states: list[str],
        modes: list[str],
        triggers: list[str],
        order_by: str | None,
        size: str | None,
        token: str | None,
    ) -> dict[str, Any]:
        if instance_id == "-":
            self.require_cluster(cluster_id)
        else:
            self.require_node(cluster_id, instance_id)
        for state in states:
            if state not in STATES:
                raise invalid(f"unknown state {state!r}; expected one of {', '.join(STATES)}")
        for mode in modes:
            if mode not in MODES:
                raise invalid(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
        for trigger in triggers:
            if trigger not in TRIGGERS:
                raise invalid(f"unknown trigger {trigger!r}; expected one of {', '.join(TRIGGERS)}")
        order_key = " ".join((order_by or "create_time").lower().split())
        if order_key not in ORDER_BY:
            raise invalid(f"order_by {order_by!r} is not supported; use create_time, create_time desc, "
                          "update_time or update_time desc")
        limit = page_size(size)
        fingerprint = query_fingerprint(cluster_id, instance_id, sorted(states), sorted(modes), sorted(triggers),
                                        order_key)
        after = decode_token(token, fingerprint) if token else None
        sort_column, descending = ORDER_BY[order_key]

        where, params = ["cluster_id=?"], [cluster_id]
        if instance_id != "-":
            where.append("instance_id=?")
            params.append(instance_id)
        for column, values in (("state", states), ("mode", modes), ("trigger", triggers)):
            if values:
                where.append(f"{column} IN ({','.join('?' * len(values))})")
                params.extend(values)
        beyond = "<" if descending else ">"
        if after is not None:  # keyset: strictly past the last row of the previous page
            where.append(f"({sort_column} {beyond} ? OR ({sort_column} = ? AND seq {beyond} ?))")
            params.extend([after[0], after[0], after[1]])
        direction = "DESC" if descending else "ASC"
        rows = self.store.all(
            f"SELECT * FROM remediations WHERE {' AND '.join(where)}"
            f" ORDER BY {sort_column} {direction}, seq {direction} LIMIT ?",
            [*params, limit + 1],
        )
        has_next = len(rows) > limit
        page_rows = rows[:limit]
        token_out = ""  # the live API sends "" on the last page
        if has_next:
            last = page_rows[-1]
            token_out = encode_token((last[sort_column], last["seq"]), fingerprint)
        return {"remediations": self.render(page_rows), "next_page_token": token_out, "has_next": has_next}

    def _require_awaiting_review(self, cluster_id: str, instance_id: str, remediation_id: str, verb: str) -> sqlite3.Row:
        """The remediation's row, if it waits in PENDING_APPROVAL; FAILED_PRECONDITION otherwise."""
        row = self._require_remediation_row(cluster_id, instance_id, remediation_id)
        if row["state"] != "PENDING_APPROVAL":
            raise failed_precondition(
                f'remediation "{row["id"]}" is {row["state"]}: only PENDING_APPROVAL remediations can be {verb}'
            )
        return row

    def approve(
        self, cluster_id: str, instance_id: str, remediation_id: str, comment: str | None, mode: str | None = None
    ) -> dict[str, Any]:
        """Approve; ``mode`` (checked by ``approval_override``) replaces the proposed mode, so the
        remediation runs the lifecycle and meets the failure rules of that mode."""
        row = self._require_awaiting_review(cluster_id, instance_id, remediation_id, "approved")
        now = timeutil.now()
        with self.store.write() as db:
            db.execute(
                "UPDATE remediations SET reviewed_by=?, review_time=?, review_comment=?, mode=? WHERE id=?",
                (API_USER, now, comment, mode or row["mode"], row["id"]),
            )
            self.start_pending(db, row["id"], now)
        return self.render_one(row["id"])

    def reject(self, cluster_id: str, instance_id: str, remediation_id: str, comment: str | None) -> dict[str, Any]:
        row = self._require_awaiting_review(cluster_id, instance_id, remediation_id, "rejected")
        now = timeutil.now()
        with self.store.write() as db:
            db.execute(
                "UPDATE remediations SET state='CANCELLED', reviewed_by=?, review_time=?, review_comment=?,"
                " end_time=?, update_time=?, next_transition_at=NULL WHERE id=?",
                (API_USER, now, comment, now, now, row["id"]),
            )
        return self.render_one(row["id"])

    def cancel(self, cluster_id: str, instance_id: str, remediation_id: str) -> dict[str, Any]:
        row = self._require_remediation_row(cluster_id, instance_id, remediation_id)
        if row["state"] not in vocabulary.CANCELLABLE_STATES:
            raise failed_precondition(
                f'remediation "{row["id"]}" is {row["state"]}: only '
                f"{' or '.join(s for s in STATES if s in vocabulary.CANCELLABLE_STATES)} remediations can be cancelled"
            )
        now = timeutil.now()
        with self.store.write() as db:
            db.execute(
                "UPDATE remediations SET state='CANCELLED', end_time=?, update_time=?, next_transition_at=NULL"
                " WHERE id=?",
                (now, now, row["id"]),
            )
        return self.render_one(row["id"])

    # ---- out-of-band changes (admin API) -------------------------------------------------

    def force_state(self, remediation_id: str, state: Any, error_message: Any) -> dict[str, Any]:
        """An out-of-band change (for drift tests): active states resume their lifecycle from now."""
        if state not in STATES:
            raise invalid(f"state must be one of {', '.join(STATES)}")
        if error_message is not None and not isinstance(error_message, str):
            raise invalid("error_message must be a string")
        row = self.store.one("SELECT * FROM remediations WHERE id=?", (canonical_uuid(remediation_id) or remediation_id,))
        if row is None:
            raise not_found(f'remediation "{remediation_id}" not found')
        now = timeutil.now()
        with self.store.write() as db:
            if state == "PENDING":
                self.start_pending(db, row["id"], now)
            elif state in PHASES:  # a started state: its lifecycle goes on from now, to success
                durations = self.lifecycle.for_mode(row["mode"])
                self._store_plan(db, row["id"], durations)
                db.execute(
                    "UPDATE remediations SET state=?, start_time=?, end_time=NULL, planned_error=NULL,"
                    " next_transition_at=? WHERE id=?",
                    (state, row["start_time"] if row["start_time"] is not None else now,
                     now + durations.seconds_in(state), row["id"]),
                )
            else:
                terminal = state in vocabulary.TERMINAL_STATES
                db.execute(
                    "UPDATE remediations SET state=?, end_time=?, next_transition_at=NULL WHERE id=?",
                    (state, now if terminal else None, row["id"]),
                )
            db.execute(
                "UPDATE remediations SET error_message=?, update_time=? WHERE id=?",
                (error_message, now, row["id"]),
            )
        return self.render_one(row["id"])

    def delete_remediation(self, remediation_id: str) -> dict[str, Any]:
        wanted = canonical_uuid(remediation_id) or remediation_id
        with self.store.write() as db:
            deleted = db.execute("DELETE FROM remediations WHERE id=?", (wanted,)).rowcount
            db.execute("UPDATE alerts SET remediation_id=NULL WHERE remediation_id=?", (wanted,))
        if not deleted:
            raise not_found(f'remediation "{remediation_id}" not found')
        return {"deleted": wanted}

    def counts(self) -> tuple[int, dict[str, int]]:
        by_state = {s: 0 for s in STATES}
        for row in self.store.all("SELECT state, COUNT(*) AS n FROM remediations GROUP BY state"):
            by_state[row["state"]] = row["n"]
        return sum(by_state.values()), by_state


def parse_create_body(body: Any) -> tuple[str, str | None]:
    """``mode`` and ``reason`` of a create body; read-only and unknown fields are ignored, as
    grpc-gateway's default unmarshaler does."""
    if not isinstance(body, dict):
        raise invalid("the request body must be a JSON object with at least a mode")
    mode = body.get("mode")
    if mode is None or mode == "":
        raise invalid(f"mode is required: one of {', '.join(MODES)}")
    if not isinstance(mode, str) or mode not in MODES:
        raise invalid(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    reason = body.get("reason", "")
    if not isinstance(reason, str):
        raise invalid("reason must be a string")
    return mode, reason or None


def approval_override(value: Any) -> str | None:
    """The ``mode`` of an approve body: None (keep the proposed mode) or a mode the API accepts
    as an override; INVALID_ARGUMENT otherwise."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in MODES:
        raise invalid(f"unknown mode {value!r}; expected one of {', '.join(vocabulary.APPROVAL_OVERRIDE_MODES)}")
    if value in vocabulary.NOT_AN_APPROVAL_OVERRIDE:
        raise invalid(
            f"{value} cannot be set as an approval override; create a host power-cycle remediation directly"
        )
    return value
