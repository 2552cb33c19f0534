"""The generator of the L1 constructs in `cdk/together_cdk/`: typed bindings of every resource, data
source and the provider, written from the provider's schema (and `together_api.vocabulary` for the
enums), so the constructs import nothing of the project.

`make constructs` (`python -m together_remediation.cdk_gen`) writes them; `--check` says which
committed files differ from what it would write (a test runs the same comparison). What the schema
cannot say is in `spec.py` (checks, names, descriptions of nested objects) and in the hand-written
modules of `together_cdk` the generated code calls (`_rules.py`, `_extras.py`).
"""

from __future__ import annotations

from pathlib import Path

from together_remediation.cdk_gen import render
from together_remediation.cdk_gen.schema import PROVIDER, element_blocks, object_types, provider_block

PACKAGE = Path(__file__).resolve().parents[2] / "cdk" / "together_cdk"


def generate() -> dict[str, str]:
    """File name (in `together_cdk`) -> source, for every generated module."""
    blocks = element_blocks()
    objects = object_types(blocks)
    mixins = {shared.reference for shared in map(lambda b: render.mixin_for(b, objects), blocks) if shared}
    files = {
        "enums.py": render.enums_module(),
        "references.py": render.references_module(objects, mixins),
        "provider.py": render.provider_module(provider_block(), PROVIDER),
    }
    for block in blocks:
        files[f"{render.module_name(block)}.py"] = render.construct_module(block, objects)
    return files


def stale(package: Path = PACKAGE) -> list[str]:
    """The generated files that are missing or differ from what the generator writes."""
    return [name for name, source in generate().items()
            if not (package / name).exists() or (package / name).read_text() != source]


def write(package: Path = PACKAGE) -> list[str]:
    """Writes every generated file that changed; returns their names."""
    changed = stale(package)
    for name, source in generate().items():
        if name in changed:
            (package / name).write_text(source)
    return changed
