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
