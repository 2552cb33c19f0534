"""The demo: the project's main job, end to end on this machine, with nothing to configure.

It starts the seeded simulator, installs the provider, synthesizes the quickstart CDKTF app,
plans and applies it with the real ``terraform``, prints what happened to each node, then
raises a new health-check alert and prints the review of the plan that would answer it.

Everything it runs ships inside the package (the CDK apps are ``together_remediation.demo_apps``),
so it works from an installed wheel in any directory, with no checkout.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO_APPS = "together_remediation.demo_apps"
QUICKSTART = "quickstart"
APPROVAL_POLICY = "approval_policy"
# together_cdk runs on either; the extra of the same name installs one (CDK Terrain first: the
# maintained fork). Kept in step with together_cdk._cdk.SUPPORTED, which imports a CDK on import.
CDK_EXTRAS = ("cdktn", "cdktf")
MIN_TERRAFORM = (1, 5)
# A few seconds per lifecycle step, so the demo shows PENDING → RUNNING → SUCCEEDED.
DEMO_DURATIONS = {"*": (1.0, 2.0)}


class DemoError(RuntimeError):
    """A step of the demo failed; the message says which and why."""


def step(text: str) -> None:
    print(f"\n==> {text}", flush=True)


def run_demo(workdir: str | None = None, keep: bool = False) -> int:
    try:
        terraform = check_terraform()
        check_cdk()
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    root = Path(workdir).resolve() if workdir else Path(tempfile.mkdtemp(prefix="together-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        _run(root, terraform)
    except DemoError as exc:
        print(f"\nerror: {exc}", file=sys.stderr)
        return 1
    finally:
        if not keep and workdir is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def check_terraform() -> str:
    terraform = shutil.which("terraform")
    if terraform is None:
        raise DemoError("terraform was not found on PATH: install Terraform 1.5 or newer")
    out = subprocess.run([terraform, "version", "-json"], capture_output=True, text=True, check=False).stdout
    try:
        version = json.loads(out)["terraform_version"]
    except (ValueError, KeyError):
        raise DemoError("could not read `terraform version`; is Terraform installed correctly?") from None
    parts = tuple(int(p) for p in re.findall(r"\d+", version)[:2])
    if parts < MIN_TERRAFORM:
        raise DemoError(f"Terraform {version} is too old: 1.5 or newer is needed")
    return terraform


def check_cdk() -> None:
    """The apps need a CDK (an extra of the package) and Node.js (which runs it): say which is missing."""
    if not any(importlib.util.find_spec(name) is not None for name in CDK_EXTRAS):
        raise DemoError(
            f"together-remediation demo needs a CDK: pip install 'together-remediation[{CDK_EXTRAS[0]}]' "
            f"(or [{CDK_EXTRAS[1]}])"
        )
    if shutil.which("node") is None:
        raise DemoError("together-remediation demo needs Node.js 20 or newer on PATH: the CDK runs on it")


def _run(root: Path, terraform: str) -> None:
    from provider_shim.install import install
    from together_api.client import TogetherClient
    from together_simulator.process import SimulatorProcess

    step("Starting the Together API simulator (seeded: two clusters of 16 GPU nodes)")
    with SimulatorProcess(seed="demo", durations=DEMO_DURATIONS, db=root / "simulator.db") as sim, TogetherClient(
        api_key=sim.api_key, base_url=sim.base_url
    ) as client:
        print(f"    API at {sim.base_url} (key: the simulator's demo key)")
        for remediation in client.iter_remediations("cluster-training", states=["PENDING_APPROVAL"]):
            alert = remediation.linked_alerts[0] if remediation.linked_alerts else None
            print(
                f"    waiting for approval: {remediation.instance_name or remediation.instance_id} "
                f"({_short(remediation.mode)}, alert {alert.alert_name if alert else '-'})"
            )

        step("Installing the provider into a local filesystem mirror (no registry needed)")
        installation = install(root / "provider")
        print(f"    {installation.export_line()}")
        env = installation.terraform_env(sim.base_url, sim.api_key)

        step("Synthesizing the quickstart app (examples/quickstart) with together_cdk (CDK for Terraform)")
        stack = synthesize(QUICKSTART, root / "quickstart.out", env)
        print(f"    stack: {stack}")

        step("terraform init (offline) and plan")
        _terraform(terraform, stack, env, "init", "-input=false", "-no-color")
        plan = _terraform(terraform, stack, env, "plan", "-input=false", "-no-color", "-out=tfplan")
        print(_indent(_plan_summary(plan)))

        step("terraform apply: remediating the declared nodes")
        started = time.monotonic()
        _terraform(terraform, stack, env, "apply", "-input=false", "-no-color", "tfplan")
        print(f"    applied in {time.monotonic() - started:.1f} s")

        step("What happened to each node")
        print(_indent(node_report(client, "cluster-training")))

        step("A later plan tells the truth: nothing left to do")
        again = _terraform(terraform, stack, env, "plan", "-input=false", "-no-color")
        print(_indent(_plan_summary(again)))

        step("Health checks raise two alerts; the approval policy's plan, reviewed")
        sim.inject_alert("cluster-training", "inst-training-09", "GPUXidError", severity="PHC_SEVERITY_CRITICAL")
        sim.inject_alert("cluster-training", "inst-training-12", "NodeDiskPressure", severity="PHC_SEVERITY_WARNING")
        policy_stack = synthesize(APPROVAL_POLICY, root / "approval-policy.out", env)
        _terraform(terraform, policy_stack, env, "init", "-input=false", "-no-color")
        _terraform(terraform, policy_stack, env, "plan", "-input=false", "-no-color", "-out=tfplan")
        print(review_text(policy_stack / "tfplan", policy_stack, env))

    step("Done. The simulator is stopped.")
    print(
        "    Try next:\n"
        "    - together-remediation simulator serve --seed demo        (keep the API running)\n"
        "    - together-remediation provider install                  (then export the printed line)\n"
        f"    - python -m {DEMO_APPS}.{QUICKSTART}   (synthesizes cdktf.out/ here; then terraform)\n"
        "    - together-remediation plan review tfplan --policy remediation-policy.toml   (examples/ci has one)\n"
        "    - read README.md and docs/ for concepts, approvals and escalation ladders"
    )


def synthesize(app: str, outdir: Path, env: dict[str, str]) -> Path:
    """Run the packaged CDK app ``app`` (a module of ``demo_apps``) with this Python and return the
    directory of its single stack.

    The app runs from ``outdir``'s parent: CDKTF's default local backend keeps the state file in
    the app's working directory, which is the demo's, never the user's directory.
    """
    if outdir.exists():
        shutil.rmtree(outdir)
    result = subprocess.run(
        [sys.executable, "-m", f"{DEMO_APPS}.{app}"],
        cwd=outdir.parent,
        env={**env, "CDKTF_OUTDIR": str(outdir)},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise DemoError(f"synthesizing {app} failed:\n{result.stderr.strip()}")
    stacks = sorted((outdir / "stacks").iterdir())
    if len(stacks) != 1:
        raise DemoError(f"{app} should synthesize one stack, found {[s.name for s in stacks]}")
    return stacks[0]


def review_text(plan_file: Path, workdir: Path, env: dict[str, str]) -> str:
    from together_remediation.review import review_plan_file

    return review_plan_file(str(plan_file), workdir=str(workdir), env=env).text


def node_report(client, cluster_id: str) -> str:
    """One line per remediation of the cluster: node, mode, state and its times."""
    nodes = {n.instance_id: n.name for n in client.get_cluster(cluster_id).gpu_worker_nodes}
    rows = [("node", "mode", "trigger", "state", "created", "started", "ended")]
    for r in sorted(client.iter_remediations(cluster_id), key=lambda r: (r.create_time or "", r.id)):
        rows.append(
            (
                nodes.get(r.instance_id, r.instance_id),
                _short(r.mode),
                "automated" if "AUTOMATED" in str(_short(r.trigger)) else "manual",
                _short(r.state),
                _time(r.create_time),
                _time(r.start_time),
                _time(r.end_time),
            )
        )
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(str(v).ljust(w) for v, w in zip(row, widths)).rstrip() for row in rows)


def _terraform(terraform: str, cwd: Path, env: dict[str, str], *args: str, check: bool = True) -> str:
    result = subprocess.run([terraform, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise DemoError(f"terraform {args[0]} failed:\n{result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def _plan_summary(output: str) -> str:
    lines = [
        line
        for line in output.splitlines()
        if line.strip().startswith(("# ", "Plan:", "No changes.", "Changes to Outputs"))
    ]
    return "\n".join(lines) or output.strip()


def _short(value) -> str:
    text = getattr(value, "value", value) or "-"
    return str(text).replace("REMEDIATION_MODE_", "").replace("REMEDIATION_TRIGGER_", "")


def _time(value: str | None) -> str:
    return value[11:19] if value and len(value) >= 19 else "-"


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else line for line in text.splitlines())
