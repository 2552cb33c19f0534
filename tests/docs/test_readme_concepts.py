"""The README's concept snippets are a working configuration: planned together against the simulator."""

from __future__ import annotations

import pytest

from tests.docs.conftest import REPO_ROOT
from tests.docs.readme import fenced_blocks
from tests.support.terraform_fixtures import REQUIRED_PROVIDERS, changes_by_address

PENDING_XID_REMEDIATION = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"  # the demo seed's automated remediation on gpu-03


def _concept_snippets() -> list[str]:
    section = (REPO_ROOT / "README.md").read_text().split("\n## Concepts\n", 1)[1].split("\n## ", 1)[0]
    return [block.text for block in fenced_blocks(section) if block.language == "hcl"]


@pytest.mark.e2e
def test_the_concept_snippets_plan_what_the_readme_says(terraform_workspace, simulator):
    snippets = _concept_snippets()
    assert len(snippets) >= 3
    workspace = terraform_workspace(simulator)
    workspace.write(REQUIRED_PROVIDERS + 'provider "together" {}\n\n' + "\n".join(snippets))
    workspace.init()
    plan = workspace.plan_json()
    assert changes_by_address(plan) == {
        "together_remediation.reboot_gpu_07": ["create"],
        "together_remediation.repair_gpu_08": ["create"],
        f'together_remediation_review.approve_xid["{PENDING_XID_REMEDIATION}"]': ["create"],
    }
    workspace.apply()
    review = workspace.resource(f'together_remediation_review.approve_xid["{PENDING_XID_REMEDIATION}"]')
    assert review["decision"] == "APPROVE" and review["reviewed_by"]
    # Reviewed, the remediation leaves the pending list: the next plan only forgets the review.
    assert changes_by_address(workspace.plan_json()) == {f'together_remediation_review.approve_xid["{PENDING_XID_REMEDIATION}"]': ["delete"]}
