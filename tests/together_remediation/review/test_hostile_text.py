"""The plan review prints text that came from a plan (reasons, comments, node and cluster names,
alert titles, addresses): none of it may carry control, ANSI or bidi characters to the reader,
in Markdown or in the JSON a CI job prints. And a replace shows what it really does: the new
instance's node, and the cancel of the old remediation while it can still be cancelled."""

from __future__ import annotations

import json
import unicodedata

import pytest

from together_remediation.review import build_review, parse_plan, render_json, render_markdown
from together_remediation.review.model import Action
from together_remediation.review.text import safe_text

REPLACED = "together_remediation.gpu05"

HOSTILE = {
    "bidi override": "approve\u202eKCATTA\u202c",
    "bidi isolate": "ok\u2066hidden\u2069",
    "ANSI escape": "\x1b[2J\x1b[31mall clear\x1b[0m",
    "NUL": "reboot\x00 now",
    "C1 control": "next\x85line\x9b31m",
    "zero width": "gpu\u200b-05",
    "line separator": "one\u2028two",
}


def _unsafe(text: str) -> list[str]:
    return [
        f"U+{ord(c):04X}"
        for c in text
        if c not in "\n\t" and unicodedata.category(c) in {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}
    ]


def _entry(plan: dict, address: str) -> dict:
    return next(e for e in plan["resource_changes"] if e["address"] == address)


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_no_control_or_bidi_character_reaches_either_rendering(mixed_plan, hostile):
    replaced = _entry(mixed_plan, REPLACED)["change"]
    replaced["after"]["reason"] = f"Xid 79 {hostile}"
    replaced["before"]["linked_alerts"][0]["alert_name"] = f"NVLink{hostile}"
    replaced["before"]["instance_name"] = f"gpu-05{hostile}"
    review_entry = _entry(mixed_plan, "together_remediation_review.approve_gpu03")["change"]
    review_entry["after"]["comment"] = f"looks fine {hostile}"
    mixed_plan["resource_changes"].append(
        {**_entry(mixed_plan, "together_remediation.gpu02"), "address": f'together_remediation.by_key["{hostile}"]'}
    )
    review = build_review(parse_plan(mixed_plan))

    markdown = render_markdown(review)
    assert _unsafe(markdown) == [], markdown
    assert "[U+" in markdown  # shown, not silently dropped: a reviewer sees something was there

    document = render_json(review)
    strings = list(_json_strings(json.loads(document)))
    assert [s for s in strings if _unsafe(s)] == []
    assert any("Xid 79" in s and "[U+" in s for s in strings)
    assert _unsafe(document) == []


def test_safe_text_keeps_ordinary_text_and_unicode_letters():
    assert safe_text("NVLink down on gpu-05 — café, 日本, emoji 🚀") == "NVLink down on gpu-05 — café, 日本, emoji 🚀"
    assert safe_text("a\u202eb\x00c\x1b[0m") == "a[U+202E]b[U+0000]c[U+001B][0m"
    assert safe_text("two\nlines\tand a tab") == "two\nlines\tand a tab"


def test_a_replace_onto_another_instance_shows_the_new_node_not_the_old_one(mixed_plan):
    replaced = _entry(mixed_plan, REPLACED)["change"]
    replaced["after"]["instance_id"] = "inst-elsewhere-42"  # not in the plan's cluster data: no name known
    mixed_plan["resource_drift"] = []
    change = next(c for c in build_review(parse_plan(mixed_plan)).changes if c.address == REPLACED)
    assert change.instance_id == "inst-elsewhere-42"
    assert change.node_name != "gpu-05", "the old node's name next to the new instance"
    assert change.alerts != [] and not (
        isinstance(change.alerts, list) and any(a.name == "NVLinkDown" for a in change.alerts)
    ), "the old node's alerts next to the new instance"


def test_a_replace_of_the_same_instance_still_shows_its_node(mixed_plan):
    mixed_plan["resource_drift"] = []
    change = next(c for c in build_review(parse_plan(mixed_plan)).changes if c.address == REPLACED)
    assert change.node_name == "gpu-05"


@pytest.mark.parametrize("state", ["PENDING", "PENDING_APPROVAL"])
def test_a_replace_of_a_cancellable_remediation_shows_its_cancel(mixed_plan, state):
    entry = _entry(mixed_plan, REPLACED)
    entry["change"]["before"]["state"] = state
    entry["action_reason"] = "replace_because_cannot_update"
    entry["change"]["replace_paths"] = [["mode"]]
    mixed_plan["resource_drift"] = []
    review = build_review(parse_plan(mixed_plan))
    change = next(c for c in review.changes if c.address == REPLACED)
    old = entry["change"]["before"]["id"]
    assert f"cancels the current remediation {old} ({state})" in change.why
    assert "cancels the current remediation" in render_markdown(review)
    # ... and the totals count it with the destroys that cancel.
    [cluster] = [c for c in review.clusters if change in c.changes]
    assert change.cancels and cluster.cancel_count == cluster.count(Action.CANCEL) + 1
    [shown] = [c for c in json.loads(render_json(review))["clusters"] if c["cluster_id"] == cluster.cluster_id]
    assert shown["cancels"] == cluster.cancel_count


def test_a_replace_of_an_ended_remediation_cancels_nothing(mixed_plan):
    mixed_plan["resource_drift"] = []
    _entry(mixed_plan, REPLACED)["change"]["before"]["state"] = "FAILED"
    change = next(c for c in build_review(parse_plan(mixed_plan)).changes if c.address == REPLACED)
    assert "cancel" not in change.why and not change.cancels
