"""Derived remediation ids: the same intent always gives the same id; a new attempt a new one."""

from __future__ import annotations

import uuid

from provider_shim.framework.identity import ForgottenAttempts, attempt_id, intent_base_id, locate

REBOOT = ["REMEDIATION_MODE_REBOOT_VM"]


def test_same_intent_same_id_whatever_the_order_of_triggers():
    a = intent_base_id("c", "i", REBOOT, "why", {"a": "1", "b": "2"})
    b = intent_base_id("c", "i", REBOOT, "why", {"b": "2", "a": "1"})
    assert a == b and uuid.UUID(a).version == 5


def test_every_part_of_the_intent_changes_the_id():
    base = intent_base_id("c", "i", REBOOT, "why", {"t": "1"})
    variants = [
        intent_base_id("c2", "i", REBOOT, "why", {"t": "1"}),
        intent_base_id("c", "i2", REBOOT, "why", {"t": "1"}),
        intent_base_id("c", "i", ["REMEDIATION_MODE_VM_ONLY"], "why", {"t": "1"}),
        intent_base_id("c", "i", REBOOT + ["REMEDIATION_MODE_VM_ONLY"], "why", {"t": "1"}),
        intent_base_id("c", "i", REBOOT, "another reason", {"t": "1"}),
        intent_base_id("c", "i", REBOOT, "why", {"t": "2"}),
    ]
    assert len({base, *variants}) == 7


def test_no_reason_and_no_triggers_are_the_same_as_empty_ones():
    assert intent_base_id("c", "i", REBOOT, None, None) == intent_base_id("c", "i", REBOOT, "", {})


def test_attempts_and_steps_have_distinct_ids_that_locate_back():
    base = intent_base_id("c", "i", REBOOT, None, None)
    ids = {(a, s): attempt_id(base, a, s) for a in range(4) for s in range(3)}
    assert ids[(0, 0)] == base and len(set(ids.values())) == 12
    for where, rid in ids.items():
        assert locate(base, rid, steps=3) == where
    assert locate(base, str(uuid.uuid4()), steps=3) is None


def test_forgotten_attempts_move_the_next_create_to_a_new_attempt():
    forgotten = ForgottenAttempts()
    assert forgotten.next_attempt("b") == 0
    forgotten.record("b", 2)
    forgotten.record("b", 1)
    assert forgotten.next_attempt("b") == 3 and forgotten.next_attempt("other") == 0
