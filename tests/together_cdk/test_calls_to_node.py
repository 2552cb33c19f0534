"""What keeps synth fast: a construct costs one call to Node when built, and one read of its name at synth."""

from __future__ import annotations

from collections import Counter

import jsii
import pytest


@pytest.fixture
def calls(monkeypatch):
    """Counts the calls from Python to Node, by kind."""
    counted: Counter[str] = Counter()
    for kind in ("create", "invoke", "get", "set", "sinvoke", "sget", "sset"):
        original = getattr(jsii, kind)

        def counting(*args, _kind=kind, _original=original, **kwargs):
            counted[_kind] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(jsii, kind, counting)
    return counted


def test_each_construct_is_one_create_and_one_name_read(tc, stack, calls):
    tc.Remediation(stack, "first", cluster_id="cluster-training", instance_id="inst-training-01", mode="REMEDIATION_MODE_REBOOT_VM")
    calls.clear()  # the first construct of a stack also adds the stack's attributes element
    for index in range(2, 12):
        tc.Remediation(stack, f"r{index}", cluster_id="cluster-training", instance_id=f"inst-training-{index:02d}",
                       mode=tc.RemediationMode.REBOOT_VM, reason="checked in Python", triggers={"n": str(index)})
    tc.DataTogetherRemediations(stack, "pending", cluster_id="cluster-training", states=["PENDING_APPROVAL"])
    assert dict(calls) == {"create": 11}
    app = stack.node.root
    calls.clear()
    app.synth()
    # One synth call; at synth each construct's logical id is read once, whatever its attributes.
    assert dict(calls) == {"invoke": 1, "get": 12}
