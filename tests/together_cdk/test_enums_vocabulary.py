"""The constructs' enums say what `together_api.vocabulary` says: the same values, in the same order.

`together_cdk` imports nothing of the project, so it writes the API's vocabulary again; this test
is what keeps the two from drifting (a mode added to the vocabulary fails here until the
constructs have it too).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from together_api import vocabulary

ENUMS_FILE = Path(__file__).resolve().parents[2] / "cdk" / "together_cdk" / "enums.py"


def _enums():
    # Loaded from its file: importing together_cdk would need a CDK, which this check does not.
    spec = importlib.util.spec_from_file_location("together_cdk_enums_under_test", ENUMS_FILE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _values(enum_type):
    return tuple(member.value for member in enum_type)


def test_every_value_in_the_vocabularys_order():
    enums = _enums()
    assert _values(enums.RemediationMode) == vocabulary.MODE_NAMES
    assert _values(enums.RemediationState) == vocabulary.STATE_NAMES
    assert _values(enums.RemediationTrigger) == vocabulary.TRIGGER_NAMES
    assert _values(enums.AlertSeverity) == vocabulary.SEVERITIES
    assert _values(enums.ReviewDecision) == vocabulary.DECISIONS
    assert _values(enums.WaitFor) == vocabulary.WAIT_FOR_VALUES
    assert tuple(severity.value for severity in enums.SEVERITY_ORDER) == vocabulary.SEVERITIES


def test_the_classes_of_values_match():
    enums = _enums()
    assert {mode.value for mode in enums.NOT_AN_APPROVAL_MODE} == vocabulary.NOT_AN_APPROVAL_OVERRIDE


def test_the_documented_meanings_match_where_the_vocabulary_describes_them():
    source = ENUMS_FILE.read_text()
    for value, meaning in vocabulary.WAIT_FOR.items():
        assert f'= "{value}"\n    """{meaning}"""' in source, value
