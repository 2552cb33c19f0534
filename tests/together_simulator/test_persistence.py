"""State survives restarts and kill -9; lifecycles resume where they stand."""

from __future__ import annotations

import sqlite3
import time
import uuid
from datetime import datetime

from together_api.models import RemediationMode, RemediationState

from .conftest import TRAINING, client_for


def seconds(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def test_a_graceful_restart_keeps_every_remediation_and_its_state(simulator):
    simulator.set_lifecycle({"HOST_AWARE": (60, 60), "VM_ONLY": (0, 60)})
    with client_for(simulator) as api:
        pending = api.create_remediation(TRAINING, "inst-training-01", RemediationMode.HOST_AWARE)
        running = api.create_remediation(TRAINING, "inst-training-02", RemediationMode.VM_ONLY)
        done = api.create_remediation(TRAINING, "inst-training-04", RemediationMode.REBOOT_VM, "r")
        api.get_remediation(TRAINING, "inst-training-02", running.id)
        before = {r.id: r for r in api.iter_remediations(TRAINING)}
    simulator.restart()
    with client_for(simulator) as api:
        after = {r.id: r for r in api.iter_remediations(TRAINING)}
    assert after == before
    assert after[pending.id].state == RemediationState.PENDING
    assert after[running.id].state == RemediationState.RUNNING
    assert after[done.id].state == RemediationState.SUCCEEDED
    assert len(after) == 4  # the seed did not run again


def test_kill_9_loses_nothing_acknowledged_and_the_lifecycle_resumes(simulator):
    simulator.set_lifecycle(default=(0.4, 0.4))
    acknowledged = {}
    with client_for(simulator) as api:
        for i in range(1, 17):
            made = api.create_remediation(TRAINING, f"inst-training-{i:02d}", RemediationMode.VM_ONLY,
                                          remediation_id=str(uuid.uuid4())) if i != 3 else None
            if made:
                acknowledged[made.id] = made
        approved = api.approve_remediation(TRAINING, "inst-training-03",
                                           api.list_remediations(TRAINING, "inst-training-03").remediations[0].id)
    simulator.kill()  # SIGKILL straight after the last answer
    simulator.start()
    with client_for(simulator) as api:
        deadline = time.monotonic() + 15
        while True:
            seen = {r.id: r for r in api.iter_remediations(TRAINING)}
            if all(r.state == RemediationState.SUCCEEDED for r in seen.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
    assert set(acknowledged) | {approved.id} == set(seen)
    for remediation in seen.values():
        assert remediation.state == RemediationState.SUCCEEDED
    # The times are the planned ones, not the restart's: 0.4 s pending, 0.4 s running.
    for made in acknowledged.values():
        final = seen[made.id]
        assert abs(seconds(final.start_time) - seconds(made.create_time) - 0.4) < 0.001
        assert abs(seconds(final.end_time) - seconds(final.start_time) - 0.4) < 0.001
    assert seen[approved.id].reviewed_by == approved.reviewed_by


def test_the_database_is_wal_with_full_sync(simulator):
    simulator.stop()
    db = sqlite3.connect(simulator.db_path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT COUNT(*) FROM clusters").fetchone()[0] == 2
    finally:
        db.close()


def test_admin_changes_persist_too(simulator):
    simulator.add_cluster("cluster-extra", "extra", 3)
    simulator.set_confirmation_policy("cluster-extra", "AUTOMATIC")
    simulator.restart(hard=True)
    made = simulator.inject_alert("cluster-extra", "inst-extra-02")["remediation"]
    assert made["reviewed_by"] == "Auto-Approved"
