"""The committed provider and CDK docs are what the generator writes from the live schema and the code."""

from __future__ import annotations

import inspect
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.docs.conftest import REPO_ROOT
from together_remediation.docs_gen.generate import check_pages
from together_remediation.docs_gen.terraform_pages import short_name


def test_committed_docs_are_what_the_generator_writes(generated):
    differences = check_pages(REPO_ROOT / "docs", generated.pages)
    assert not differences, "docs/ is stale; run `together-remediation docs generate`:\n" + "".join(differences)


def _all_types(live_schema):
    for section, folder in (("resource_schemas", "resources"), ("data_source_schemas", "data-sources")):
        for type_name, schema in live_schema.get(section, {}).items():
            yield folder, type_name, schema


def test_every_resource_and_data_source_has_a_page_listing_every_attribute_with_its_description(live_schema, generated):
    types = list(_all_types(live_schema))
    assert {"together_remediation", "together_remediation_review"} <= {name for _, name, _ in types}
    for folder, type_name, schema in types:
        page = generated.pages[f"{folder}/{short_name(type_name)}.md"]
        assert f"# {type_name} (" in page
        for name, spec in schema["block"].get("attributes", {}).items():
            bullet = re.search(rf"^- `{name}` \(([^)]*)\) (.*)$", page, re.MULTILINE)
            assert bullet, f"{type_name}.{name} is not documented"
            assert spec["description"].strip() in bullet.group(2)
        for name in schema["block"].get("block_types", {}):
            assert f"### Nested Schema for `{name}`" in page


def test_every_schema_attribute_has_a_real_description(live_schema):
    def walk(owner, block):
        assert len((block.get("description") or "").split()) >= 3, f"{owner} needs a description"
        for name, spec in block.get("attributes", {}).items():
            words = (spec.get("description") or "").split()
            assert len(words) >= 3 and words != [name], f"{owner}.{name} has no real description: {spec.get('description')!r}"
        for name, nested in block.get("block_types", {}).items():
            walk(f"{owner}.{name}", nested["block"])

    walk("provider", live_schema["provider"]["block"])
    for _, type_name, schema in _all_types(live_schema):
        walk(type_name, schema["block"])


def test_every_resource_and_data_source_page_shows_example_usage(live_schema, generated):
    missing = [
        type_name
        for folder, type_name, _ in _all_types(live_schema)
        if "## Example Usage\n\n```terraform\n" not in generated.pages[f"{folder}/{short_name(type_name)}.md"]
    ]
    assert not missing, f"no example in examples/<kind>/<type>/ for {missing}: {generated.warnings}"


def test_resource_pages_show_the_example_files_and_the_import_script(generated):
    page = generated.pages["resources/remediation.md"]
    example = (REPO_ROOT / "examples/resources/together_remediation/resource.tf").read_text().strip()
    import_script = (REPO_ROOT / "examples/resources/together_remediation/import.sh").read_text().strip()
    assert f"## Example Usage\n\n```terraform\n{example}\n```" in page
    assert f"## Import\n\nImport is supported using the following syntax:\n\n```shell\n{import_script}\n```" in page
    assert (REPO_ROOT / "examples/provider/provider.tf").read_text().strip() in generated.pages["index.md"]


def test_pages_state_required_optional_computed_sensitive_replacement_and_defaults(generated):
    remediation = generated.pages["resources/remediation.md"]
    required = remediation.split("### Required")[1].split("###")[0]
    optional = remediation.split("### Optional")[1].split("###")[0]
    read_only = remediation.split("### Read-Only")[1].split("<a id=")[0]
    assert "- `cluster_id` (String, Forces replacement)" in required
    assert "- `mode` (String, Forces replacement)" in optional
    assert "- `wait_for` (String, Default: `\"terminal\"`)" in optional  # in place: no replacement
    assert "- `rerun_on_failure` (Bool, Default: `false`)" in optional
    assert "- `state` (String)" in read_only
    assert "- `attempts` (List of Object)" in read_only and "(see [below for nested schema](#nestedatt--attempts))" in read_only
    assert '<a id="nestedblock--timeouts"></a>\n### Nested Schema for `timeouts`' in remediation
    assert "- `create` (String, Default: `\"30m\"`)" in remediation
    index = generated.pages["index.md"]
    assert "- `api_key` (String, Sensitive)" in index
    assert "- `request_timeout` (String, Default: `\"30s\"`)" in index
    assert index.startswith('---\npage_title: "together Provider"\n')


def test_cdk_page_documents_every_construct_prop_and_computed_attribute(generated):
    import together_cdk

    page = generated.pages["cdk.md"]
    for name in together_cdk.__all__:
        cls = getattr(together_cdk, name)
        if not (inspect.isclass(cls) and cls.__module__.startswith("together_cdk.")):
            continue
        assert f"### {name}\n" in page, f"{name} is not in docs/cdk.md"
        section = page.split(f"### {name}\n", 1)[1].split("\n### ", 1)[0]
        if "scope" in inspect.signature(cls.__init__).parameters:
            for prop in list(inspect.signature(cls.__init__).parameters)[1:]:
                assert re.search(rf"^\| `{prop}` \| `[^`]+` \| [^|]+ \| \S", section, re.MULTILINE), f"{name}({prop}=) undocumented"
            for attribute, member in vars(cls).items():
                if isinstance(member, property) and not attribute.startswith("_"):
                    assert f"| `{attribute}` |" in section, f"{name}.{attribute} undocumented"
    assert "| `max_in_flight` | `int` | `1` |" in page  # a default from the signature
    assert "| `request_timeout` | `str \\| None` | `30s` |" in page  # a default the docstring states


def _copy_checkout(destination: Path) -> Path:
    shutil.copytree(REPO_ROOT / "examples", destination / "examples", ignore=shutil.ignore_patterns(".terraform", "cdktf.out"))
    shutil.copytree(REPO_ROOT / "docs", destination / "docs")
    return destination


def _docs_command(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    command = [sys.executable, "-m", "together_remediation.cli", "docs", "generate", "--root", str(root), *extra]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.e2e
def test_docs_generate_check_fails_on_drift_and_generate_repairs_it(tmp_path, generated):
    root = _copy_checkout(tmp_path)
    page = root / "docs/resources/remediation.md"
    page.write_text(page.read_text().replace("The GPU cluster's id.", "The cluster."))
    (root / "docs/data-sources/retired.md").write_text("a type the schema no longer has\n")
    example = root / "examples/resources/together_remediation/resource.tf"
    example.write_text(example.read_text() + "\n# one more line of example\n")

    check = _docs_command(root, "--check")
    assert check.returncode == 1, check.stderr
    assert "-- `cluster_id` (String, Forces replacement) The cluster." in check.stdout
    assert "+# one more line of example" in check.stdout
    assert "docs/data-sources/retired.md: stale" in check.stdout

    write = _docs_command(root)
    assert write.returncode == 0, write.stderr
    assert "removed docs/data-sources/retired.md" in write.stdout
    assert "# one more line of example" in page.read_text()
    assert _docs_command(root, "--check").returncode == 0


def test_the_plan_behaviours_read_from_the_provider_name_the_attributes_terraform_lists(live_schema):
    from together_remediation.docs_gen.declared import declared_behaviours

    def paths(block, prefix=()):
        found = {(*prefix, name) for name in block.get("attributes", {})}
        for name, nested in block.get("block_types", {}).items():
            found |= paths(nested["block"], (*prefix, name))
        return found

    sections = {"resource": "resource_schemas", "data-source": "data_source_schemas"}
    for (kind, type_name), behaviours in declared_behaviours().items():
        block = live_schema["provider"]["block"] if kind == "provider" else live_schema[sections[kind]][type_name]["block"]
        assert set(behaviours) == paths(block), f"{kind} {type_name}: declarations and Terraform's schema differ"
    assert declared_behaviours()[("resource", "together_remediation")][("cluster_id",)].forces_replacement
    assert not declared_behaviours()[("resource", "together_remediation")][("wait_for",)].forces_replacement
