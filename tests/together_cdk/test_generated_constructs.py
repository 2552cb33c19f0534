"""The committed L1 constructs are what the generator writes from the provider's schema (`make constructs`).

A schema attribute added, renamed or re-described in the provider, or a value added to the
vocabulary, fails here until the constructs are generated again.
"""

from __future__ import annotations

import pytest

cdk_gen = pytest.importorskip("together_remediation.cdk_gen")


def test_the_committed_constructs_are_the_generators_output():
    stale = cdk_gen.stale()
    assert not stale, f"{', '.join(stale)} differ from the generator's output: run `make constructs`"


def test_every_generated_class_is_exported(tc):
    import ast

    for name, source in cdk_gen.generate().items():
        classes = [node.name for node in ast.parse(source).body if isinstance(node, ast.ClassDef)]
        public = [c for c in classes if not c.endswith("Fields")]  # the mixins of shared getters are not API
        missing = sorted(set(public) - set(tc.__all__))
        assert not missing, f"{name}: {missing} not in together_cdk.__all__"


def test_no_generated_prop_or_getter_hides_a_member_of_the_cdk(tc):
    """A schema attribute named like a CDK member (`node`, `count`, `provider`...) would break the construct."""
    bases = {tc.Remediation: tc.cdk.TerraformResource, tc.RemediationReview: tc.cdk.TerraformResource,
             tc.DataTogetherRemediations: tc.cdk.TerraformDataSource, tc.DataTogetherRemediation: tc.cdk.TerraformDataSource,
             tc.DataTogetherCluster: tc.cdk.TerraformDataSource, tc.TogetherProvider: tc.cdk.TerraformProvider}
    for construct, base in bases.items():
        declared = {name for klass in construct.__mro__ if klass.__module__.startswith("together_cdk.")
                    for name in vars(klass) if not name.startswith("_")}
        hidden = sorted(name for name in declared & set(dir(base)) if name not in ("alias", "add_override", "move_to", "move_to_id"))
        assert not hidden, f"{construct.__name__}: {hidden} hide the CDK's members"


def test_a_schema_object_without_a_reference_name_is_refused():
    from together_remediation.cdk_gen import schema

    block = schema.Block("resource", "together_x", "X.", (schema.Attribute("widgets", ["list", ["object", {"a": "string"}]], "W.", computed=True),))
    with pytest.raises(ValueError, match=r"together_x\.widgets holds objects: name their reference class in spec\.OBJECTS"):
        schema.object_types([block])
