"""Plan review: a Terraform plan of remediations as a Markdown or JSON review, and a policy gate.

Public functions:
- ``review_plan_file(path, ...)``: PLAN (JSON of ``terraform show -json`` or a saved plan file)
  to review text, with the policy verdict; what ``together-remediation plan review`` runs.
- ``load_plan``/``parse_plan``, ``build_review``, ``load_policy``, ``check_policy``,
  ``render_markdown``, ``render_json`` for callers that need the steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from together_remediation.review.build import build_review
from together_remediation.review.errors import ReviewInputError
from together_remediation.review.gate import Violation, check_policy
from together_remediation.review.json_output import render_json
from together_remediation.review.markdown import render_markdown
from together_remediation.review.model import Action, Review
from together_remediation.review.plan_input import load_plan, parse_plan
from together_remediation.review.policy import Policy, load_policy

FORMATS = ("markdown", "json")


@dataclass(frozen=True)
class ReviewResult:
    text: str
    review: Review
    violations: list[Violation] | None  # None when no policy was given

    @property
    def passed(self) -> bool:
        return not self.violations


def review_plan_file(
    path: str,
    output_format: str = "markdown",
    policy_path: str | None = None,
    terraform: str = "terraform",
    workdir: str | None = None,
    env: Mapping[str, str] | None = None,
) -> ReviewResult:
    """Review the plan at ``path``; raises ReviewInputError for a malformed plan or policy.

    ``path`` is plan JSON or a saved plan file; a saved plan is shown with ``terraform show
    -json`` run in ``workdir`` (default: the current directory) with ``env`` (default: this
    process's environment).
    """
    if output_format not in FORMATS:
        raise ReviewInputError(f"format {output_format!r}: use one of {', '.join(FORMATS)}")
    policy = load_policy(policy_path) if policy_path else None  # a bad policy fails before any work
    review = build_review(load_plan(path, terraform=terraform, workdir=workdir, env=env))
    violations = check_policy(review, policy) if policy is not None else None
    render = render_markdown if output_format == "markdown" else render_json
    return ReviewResult(text=render(review, violations), review=review, violations=violations)


__all__ = [
    "Action",
    "FORMATS",
    "Policy",
    "Review",
    "ReviewInputError",
    "ReviewResult",
    "Violation",
    "build_review",
    "check_policy",
    "load_plan",
    "load_policy",
    "parse_plan",
    "render_json",
    "render_markdown",
    "review_plan_file",
]
