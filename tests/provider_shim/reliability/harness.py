"""What the campaign and the tests share: terraform workspaces outside pytest, process lookups,
and the comparison of Terraform state with what the simulator holds.

The campaign runs as a plain module (``python -m tests.provider_shim.reliability.campaign``), so
it cannot use pytest fixtures: ``Lab`` installs the provider once into a temporary directory and
makes workspaces with the same environment the pytest harness gives (``tests/support``).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.terraform_fixtures import REQUIRED_PROVIDERS, Workspace
from provider_shim.framework.identity import strip_intent_token
from together_api.client import TogetherClient

CREATE_ROUTE = "POST /v1/compute/clusters/{cluster_id}/instances/{instance_id}/remediations"
PROVIDER_MODULE = b"provider_shim"


class Lab:
    """The provider installed once, and fresh workspaces under one temporary directory."""

    def __init__(self, root: Path | None = None):
        from provider_shim.install import install

        self._own_root = root is None
        self.root = Path(root or tempfile.mkdtemp(prefix="together-reliability-"))
        self.install = install(self.root / "provider")
        self._count = 0

    def workspace(self, simulator, env: dict[str, str] | None = None) -> Workspace:
        self._count += 1
        directory = self.root / f"workspace-{self._count}"
        directory.mkdir()
        return Workspace(directory, self.install.terraform_env(simulator.base_url, simulator.api_key, env))

    def cleanup(self) -> None:
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)


# ---- configurations ------------------------------------------------------------------------


def provider_block(max_retries: int = 12, poll_interval: str = "200ms", request_timeout: str = "10s") -> str:
    return (
        'provider "together" {\n'
        f"  max_retries     = {max_retries}\n"
        f'  poll_interval   = "{poll_interval}"\n'
        f'  request_timeout = "{request_timeout}"\n'
        "}\n"
    )


def remediations_hcl(cluster_id: str, instance_ids: Iterable[str], reason: str, mode: str = "REMEDIATION_MODE_REBOOT_VM", provider: str | None = None) -> str:
    """One ``together_remediation`` per instance, all with ``reason`` (which tags the run)."""
    blocks = []
    for number, instance_id in enumerate(instance_ids):
        blocks.append(
            f'resource "together_remediation" "r{number:03d}" {{\n'
            f'  cluster_id  = "{cluster_id}"\n'
            f'  instance_id = "{instance_id}"\n'
            f'  mode        = "{mode}"\n'
            f'  reason      = "{reason}"\n'
            "}\n"
        )
    return REQUIRED_PROVIDERS + (provider or provider_block()) + "".join(blocks)


# ---- comparing state with the server --------------------------------------------------------


@dataclass
class Reconciliation:
    """Terraform state against the server, for the remediations tagged with one reason."""

    declared: int
    created: int  # remediations on the server with the run's reason
    duplicates: int  # remediations beyond the first on one instance
    missing_from_state: list[str] = field(default_factory=list)  # on the server, not in state
    lost: list[str] = field(default_factory=list)  # declared, but not in state at all
    mismatched: list[str] = field(default_factory=list)  # in state with another id or state than the server's

    @property
    def clean(self) -> bool:
        return not (self.duplicates or self.missing_from_state or self.lost or self.mismatched)


def server_remediations(simulator, cluster_id: str, reason: str) -> list:
    with TogetherClient(simulator.api_key, simulator.base_url) as client:
        # The reason sent carries the provider's intent token; the run is tagged by what precedes it.
        return [r for r in client.iter_remediations(cluster_id, "-", page_size=500) if strip_intent_token(r.reason) == reason]


def reconcile(workspace: Workspace, simulator, cluster_id: str, reason: str, declared: int, *, expect_all: bool = True) -> Reconciliation:
    """Compare; ``expect_all``: every declared resource should be in state (after a successful apply)."""
    on_server = server_remediations(simulator, cluster_id, reason)
    per_instance = Counter(r.instance_id for r in on_server)
    in_state = {
        address: entry["values"]
        for address, entry in workspace.resources().items()
        if address.startswith("together_remediation.")
    }
    state_ids = {values["id"]: values for values in in_state.values()}
    server_by_id = {r.id: r for r in on_server}
    result = Reconciliation(
        declared=declared,
        created=len(on_server),
        duplicates=sum(n - 1 for n in per_instance.values() if n > 1),
        missing_from_state=sorted(rid for rid in server_by_id if rid not in state_ids),
    )
    if expect_all:
        result.lost = [f"r{n:03d}" for n in range(declared) if f"together_remediation.r{n:03d}" not in in_state]
    for rid, values in state_ids.items():
        live = server_by_id.get(rid)
        if live is None:
            result.mismatched.append(f"{rid}: in state, not on the server")
        elif values["instance_id"] != live.instance_id:
            result.mismatched.append(f"{rid}: instance {values['instance_id']} in state, {live.instance_id} on the server")
    return result


# ---- processes -------------------------------------------------------------------------------


def children(pid: int) -> list[int]:
    """Pids whose parent is ``pid`` (read from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the ppid follows the last ')'.
        fields = stat.rsplit(b")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def provider_processes(terraform_pid: int) -> list[int]:
    """The provider launches terraform is running now (its children running ``provider_shim``)."""
    found = []
    for pid in children(terraform_pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if PROVIDER_MODULE in handle.read():
                    found.append(pid)
        except OSError:
            continue
    return found


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def wait_group_gone(pgid: int, limit: float = 15.0) -> bool:
    """Wait for every process of a group we started to exit; SIGKILL the group at the limit."""
    deadline = time.monotonic() + limit
    while group_alive(pgid):
        if time.monotonic() > deadline:
            os.killpg(pgid, signal.SIGKILL)
            time.sleep(0.2)
            return False
        time.sleep(0.05)
    return True


def create_calls(simulator) -> int:
    return simulator.stats()["requests_by_route"].get(CREATE_ROUTE, 0)
