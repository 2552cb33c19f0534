"""Fast checks of how a schema block becomes the registry's page sections (no terraform)."""

from __future__ import annotations

import pytest

from together_remediation.docs_gen.attributes import PlanBehaviour, attributes_of_block, default_of, type_label
from together_remediation.docs_gen.terraform_pages import Problems, _schema_section

BLOCK = {
    "description": "A thing under test.",
    "attributes": {
        "name": {"type": "string", "description": "The name.", "required": True},
        "token": {"type": "string", "description": "A secret token.", "optional": True, "sensitive": True},
        "retries": {"type": "number", "description": "Retries (default 3).", "optional": True},
        "wait_for": {"type": "string", "description": "How far to wait.", "optional": True, "computed": True},
        "nodes": {
            "type": ["list", ["object", {"node_name": "string", "alerts": ["list", ["object", {"severity": "string"}]]}]],
            "description": "The nodes.",
            "computed": True,
        },
    },
    "block_types": {
        "timeouts": {
            "nesting_mode": "single",
            "block": {"description": "Time limits.", "attributes": {"create": {"type": "string", "description": "How long (default `5m`).", "optional": True}}},
        }
    },
}
BEHAVIOURS = {("name",): PlanBehaviour(forces_replacement=True), ("wait_for",): PlanBehaviour(default="terminal")}


@pytest.mark.parametrize(
    "cty, label",
    [
        ("string", "String"),
        ("bool", "Bool"),
        (["list", "string"], "List of String"),
        (["map", "string"], "Map of String"),
        (["set", "number"], "Set of Number"),
        (["list", ["object", {"a": "string"}]], "List of Object"),
    ],
)
def test_type_labels_follow_the_registry(cty, label):
    assert type_label(cty) == label


@pytest.mark.parametrize(
    "description, cty, behaviour, expected",
    [
        ("Time limit (default `30s`).", "string", PlanBehaviour(), '"30s"'),
        ("Retries (default 6).", "number", PlanBehaviour(), "6"),
        ("Only this instance. Default `-`: every instance.", "string", PlanBehaviour(), '"-"'),
        ("Plan again. Default false: stays as it is.", "bool", PlanBehaviour(), "false"),
        ("How far to wait.", "string", PlanBehaviour(default="terminal"), '"terminal"'),
        ("Order: `create_time` (default, oldest first).", "string", PlanBehaviour(), None),
        ("Only these modes. Default: every mode.", ["list", "string"], PlanBehaviour(), None),
    ],
)
def test_defaults_come_from_the_declaration_or_the_description(description, cty, behaviour, expected):
    assert default_of(description, cty, behaviour) == expected


def test_a_block_renders_groups_flags_and_linked_nested_schemas():
    problems = Problems()
    text = _schema_section(attributes_of_block(BLOCK, BEHAVIOURS, ""), "thing", problems)
    assert not problems.errors
    assert "### Required\n\n- `name` (String, Forces replacement) The name." in text
    assert "- `token` (String, Sensitive) A secret token." in text
    assert "- `retries` (Number, Default: `3`) Retries (default 3)." in text
    assert '- `wait_for` (String, Default: `"terminal"`) How far to wait.' in text
    assert "- `timeouts` (Block, Optional) Time limits. (see [below for nested schema](#nestedblock--timeouts))" in text
    assert "### Read-Only\n\n- `nodes` (List of Object) The nodes. (see [below for nested schema](#nestedatt--nodes))" in text
    assert '<a id="nestedatt--nodes"></a>\n### Nested Schema for `nodes`\n\nRead-Only:\n\n- `alerts` (List of Object) (see [below for nested schema](#nestedatt--nodes--alerts))' in text
    assert '<a id="nestedatt--nodes--alerts"></a>\n### Nested Schema for `nodes.alerts`\n\nRead-Only:\n\n- `severity` (String)' in text
    assert '### Nested Schema for `timeouts`\n\nOptional:\n\n- `create` (String, Default: `"5m"`) How long (default `5m`).' in text
    # nested schemas follow the order of their attributes: Optional (timeouts) before Read-Only (nodes)
    assert text.index("nestedblock--timeouts\"") < text.index("nestedatt--nodes\"")


def test_an_attribute_without_a_description_is_an_error():
    block = {"attributes": {"silent": {"type": "string", "optional": True}}}
    problems = Problems()
    _schema_section(attributes_of_block(block, {}, ""), "together_thing", problems)
    assert problems.errors == ["together_thing: attribute 'silent' has no description"]


def test_a_construct_prop_without_a_param_description_is_an_error():
    from together_remediation.docs_gen.cdk_page import _construct

    class Widget:
        """A widget.

        :param scope: the stack.
        :param id: the construct id.
        """

        def __init__(self, scope, id, *, size: int = 2, colour: str | None = None) -> None: ...

    problems = Problems()
    text = _construct(Widget, problems)
    assert problems.errors == [
        "together_cdk.Widget: prop 'size' has no :param: description",
        "together_cdk.Widget: prop 'colour' has no :param: description",
    ]
    assert "| `size` | `int` | `2` |" in text


def test_members_a_construct_sets_are_documented_with_their_hint_and_doc_comment():
    from together_remediation.docs_gen.cdk_page import _construction_members

    class Roll:
        def __init__(self, scope, id) -> None:
            #: The remediations by node name.
            self.by_node: dict[str, int] = {}
            self.count = len([])
            self.pending = Problems()
            self._private = 1

    Roll.__module__ = "together_cdk.roll"
    assert _construction_members(Roll) == {
        "by_node": ("dict[str, int]", "The remediations by node name."),
        "count": ("Any", "Set when the construct is built."),
        "pending": ("Problems", "Set when the construct is built."),
    }


def test_without_terraform_the_generator_says_so(monkeypatch):
    from together_remediation.docs_gen.live_schema import SchemaError, read_live_schema

    monkeypatch.setenv("PATH", "")
    with pytest.raises(SchemaError, match="terraform is not on PATH"):
        read_live_schema()
