"""``together-remediation plan review PLAN``: a plan of remediations as a review, and a policy gate.

Exit codes: 0 the review is printed (and the policy, if given, holds); 1 the policy is violated;
2 the plan or the policy is malformed.
"""

from __future__ import annotations

import argparse
import sys

EXIT_PASS = 0
EXIT_POLICY_VIOLATED = 1
EXIT_BAD_INPUT = 2


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("plan", help="review a Terraform plan of remediations")
    plan_sub = parser.add_subparsers(dest="plan_command", metavar="SUBCOMMAND", required=True)
    review = plan_sub.add_parser(
        "review",
        help="print a review of a plan (Markdown or JSON) and check it against a policy",
        description=(
            "Review a plan: PLAN is the JSON of `terraform show -json PLANFILE` ('-' for standard "
            "input) or a saved plan file, which is shown through terraform in the current directory. "
            "Exit codes: 0 pass, 1 policy violated, 2 malformed plan or policy."
        ),
    )
    review.add_argument("plan", metavar="PLAN", help="plan JSON, '-' for standard input, or a saved plan file")
    review.add_argument("--format", choices=("markdown", "json"), default="markdown", help="output format")
    review.add_argument("--policy", metavar="FILE", help="policy file (.toml, .yaml or .yml) to gate the plan")
    review.add_argument(
        "--terraform", metavar="PATH", default="terraform", help="terraform binary for saved plan files"
    )
    review.set_defaults(func=run_review)


def run_review(args: argparse.Namespace) -> int:
    from together_remediation.review import ReviewInputError, review_plan_file

    try:
        result = review_plan_file(args.plan, args.format, args.policy, args.terraform)
    except ReviewInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    sys.stdout.write(result.text)
    if result.violations:
        print(f"policy violated: {len(result.violations)} rule violation(s)", file=sys.stderr)
        for violation in result.violations:
            print(f"  {violation.rule}: {violation.message}: {', '.join(violation.addresses)}", file=sys.stderr)
        return EXIT_POLICY_VIOLATED
    return EXIT_PASS
