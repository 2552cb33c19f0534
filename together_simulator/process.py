"""Run the simulator as a real subprocess, for tests, benchmarks and the demo.

    with SimulatorProcess(seed="demo") as sim:
        client = TogetherClient(sim.api_key, sim.base_url)
        sim.inject_alert("cluster-training", "inst-training-05", "GPUXidError")

The subprocess is ``python -m together_simulator`` on a free 127.0.0.1 port (kept across
``restart()``), with its output in a log file that ``log_text()`` reads. ``root_url`` (no
``/v1``) is what Together's SDK and CLI take; ``base_url`` ends in ``/v1``.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from together_simulator import DEFAULT_API_KEY, READY_PREFIX

ZERO_DURATIONS = {"*": (0.0, 0.0, 0.0, 0.0)}
Seconds = tuple[float, float] | tuple[float, float, float, float]
"""``(pending, running)`` (the quarantine states instant) or
``(pending, quarantining, quarantined, running)``."""
STATE_SECONDS = ("pending_seconds", "quarantining_seconds", "quarantined_seconds", "running_seconds")


def _four(seconds: Seconds) -> tuple[float, float, float, float]:
    if len(seconds) == 2:
        return (seconds[0], 0.0, 0.0, seconds[1])
    if len(seconds) == 4:
        return tuple(seconds)  # type: ignore[return-value]
    raise ValueError(f"durations are (pending, running) or (pending, quarantining, quarantined, running): {seconds!r}")


# Simulators still running when Python exits (a test that forgot ``stop()``) are killed, so
# none outlives the process that started it.
_running: set[SimulatorProcess] = set()


@atexit.register
def _kill_leftovers() -> None:
    for sim in list(_running):
        sim.kill()


class SimulatorAdminError(RuntimeError):
    """The admin API refused a request; the message is the simulator's."""


class SimulatorProcess:
    """A simulator subprocess and helpers for its admin API.

    ``durations``: ``{MODE or "*": (pending, running)}`` (quarantine states instant) or
    ``{MODE: (pending, quarantining, quarantined, running)}`` in seconds; ``"zero"`` (the
    default) makes every lifecycle advance on the next read; ``None`` keeps the demo's pace.
    ``faults``: initial fault settings, as ``set_faults`` takes them.
    ``ignore_remediation_ids``: the server ignores a create's ``remediation_id`` and assigns its
    own ids (as an API that does not honour client ids would); by default it honours them.
    """

    def __init__(
        self,
        *,
        db: str | os.PathLike[str] | None = None,
        api_key: str = DEFAULT_API_KEY,
        seed: str | None = "demo",
        durations: dict[str, Seconds] | str | None = "zero",
        faults: dict[str, Any] | None = None,
        port: int = 0,
        extra_args: list[str] | None = None,
        start_timeout: float = 15.0,
        env: dict[str, str] | None = None,
        ignore_remediation_ids: bool = False,
    ) -> None:
        self._workdir = Path(tempfile.mkdtemp(prefix="together-sim-"))
        self.db_path = Path(db) if db is not None else self._workdir / "simulator.db"
        self.api_key = api_key
        self.seed = seed
        self.durations = ZERO_DURATIONS if durations == "zero" else durations
        self.initial_faults = dict(faults or {})
        self.port = port
        self.extra_args = list(extra_args or [])
        self.start_timeout = start_timeout
        self.env = env
        self.ignore_remediation_ids = ignore_remediation_ids
        self.log_path = self._workdir / "simulator.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._admin: httpx.Client | None = None

    # ---- addresses ----------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        """The server's root, no ``/v1``: Together's SDK (``base_url``) and CLI (``TOGETHER_BASE_URL``)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """``root_url`` + ``/v1``: the API's base (the project's client accepts both forms)."""
        return f"{self.root_url}/v1"

    @property
    def admin_url(self) -> str:
        return f"{self.root_url}/_simulator"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    # ---- process control ----------------------------------------------------------------

    def command(self) -> list[str]:
        cmd = [
            sys.executable, "-m", "together_simulator",
            "--host", "127.0.0.1", "--port", str(self.port), "--db", str(self.db_path),
            "--api-key", self.api_key,
        ]
        if self.seed:
            cmd += ["--seed", self.seed]
        for mode, seconds in (self.durations or {}).items():
            cmd += ["--duration", f"{mode}=" + ":".join(str(s) for s in _four(seconds))]
        if self.ignore_remediation_ids:
            cmd.append("--ignore-remediation-ids")
        flags = {
            "latency_ms": "--latency-ms", "error_5xx_rate": "--error-5xx-rate",
            "rate_limit_rate": "--rate-limit-rate", "retry_after_seconds": "--retry-after-seconds",
            "reset_rate": "--reset-rate", "drop_after_commit_rate": "--drop-after-commit-rate",
            "seed": "--fault-seed",
        }
        for name, value in self.initial_faults.items():
            cmd += [flags[name], str(value)]
        return cmd + self.extra_args

    def start(self) -> SimulatorProcess:
        if self._proc is not None and self._proc.poll() is None:
            return self
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "ab")
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("PYTHONUNBUFFERED", "1")
        try:
            self._proc = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            )
        finally:
            log.close()
        _running.add(self)
        self.port = self._wait_for_port(offset)
        self._admin = httpx.Client(base_url=self.admin_url, timeout=30.0)
        self._wait_healthy()
        return self

    def _wait_for_port(self, offset: int) -> int:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            with open(self.log_path, "rb") as handle:
                handle.seek(offset)
                for line in handle.read().decode(errors="replace").splitlines():
                    if line.startswith(READY_PREFIX):
                        address = line[len(READY_PREFIX):].split()[0]
                        return int(address.rsplit(":", 1)[1].split("/")[0])
            if self._proc is not None and self._proc.poll() is not None:
                raise RuntimeError(f"the simulator exited with {self._proc.returncode}:\n{self.log_text()}")
            time.sleep(0.01)
        self.kill()
        raise RuntimeError(f"the simulator did not start in {self.start_timeout}s:\n{self.log_text()}")

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                if self.health():
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the simulator is not healthy:\n{self.log_text()}")
            time.sleep(0.01)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop gracefully (SIGTERM), then SIGKILL if it does not exit in time."""
        self._close_admin()
        _running.discard(self)
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._proc = None

    def kill(self) -> None:
        """SIGKILL, as a crash would: nothing gets to flush or clean up."""
        self._close_admin()
        _running.discard(self)
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        self._proc = None

    def restart(self, *, hard: bool = False) -> SimulatorProcess:
        """Stop (or kill with ``hard``) and start again on the same port and database."""
        self.kill() if hard else self.stop()
        return self.start()

    def is_running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def cleanup(self) -> None:
        self.kill()
        shutil.rmtree(self._workdir, ignore_errors=True)

    def _close_admin(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None

    def __enter__(self) -> SimulatorProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self.cleanup()

    def __repr__(self) -> str:
        return f"SimulatorProcess(base_url={self.base_url!r}, running={self.is_running()})"

    # ---- admin API ----------------------------------------------------------------------

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        if self._admin is None:
            raise RuntimeError("the simulator is not running")
        response = self._admin.request(method, path, json=body)
        if response.status_code >= 400:
            try:
                message = response.json().get("message", response.text)
            except ValueError:
                message = response.text
            raise SimulatorAdminError(f"{method} {path}: {message} (HTTP {response.status_code})")
        return response.json()

    def health(self) -> bool:
        return self.admin("GET", "/health").get("status") == "ok"

    def stats(self) -> dict[str, Any]:
        return self.admin("GET", "/stats")

    def reset_stats(self) -> dict[str, Any]:
        return self.admin("POST", "/stats/reset")

    def faults(self) -> dict[str, Any]:
        return self.admin("GET", "/faults")

    def set_faults(self, **settings: Any) -> dict[str, Any]:
        """E.g. ``set_faults(latency_ms=200, error_5xx_rate=0.2, seed=7)``; unset ones stay."""
        return self.admin("PUT", "/faults", settings)

    def clear_faults(self) -> dict[str, Any]:
        return self.set_faults(
            latency_ms=0, error_5xx_rate=0, rate_limit_rate=0, reset_rate=0, drop_after_commit_rate=0
        )

    def set_failures(self, rules: list[dict[str, Any]] | None = None, probability: float = 0.0, **extra: Any) -> dict[str, Any]:
        """Rules ``{"instance_id"?, "mode"?, "error_message"}``: a match ends FAILED."""
        return self.admin("PUT", "/failures", {"rules": rules or [], "probability": probability, **extra})

    def set_lifecycle(
        self, durations: dict[str, Seconds] | None = None, *, default: Seconds | None = None
    ) -> dict[str, Any]:
        """Seconds per mode (``"*"`` or ``default`` for every mode): ``(pending, running)`` with
        instant quarantine states, or ``(pending, quarantining, quarantined, running)``."""
        body: dict[str, Any] = {"modes": {}}
        if default is not None:
            body["default"] = dict(zip(STATE_SECONDS, _four(default)))
        for mode, seconds in (durations or {}).items():
            body["modes"][mode] = dict(zip(STATE_SECONDS, _four(seconds)))
        return self.admin("PUT", "/lifecycle", body)

    def settings(self) -> dict[str, Any]:
        """``{"ignore_remediation_ids": bool}``."""
        return self.admin("GET", "/settings")

    def set_ignore_remediation_ids(self, ignore: bool) -> dict[str, Any]:
        """Whether a create's ``remediation_id`` is ignored from now on (the server's own ids)."""
        return self.admin("PUT", "/settings", {"ignore_remediation_ids": ignore})

    def inject_alert(
        self,
        cluster_id: str,
        instance_id: str,
        alert_name: str = "GPUXidError",
        severity: str = "PHC_SEVERITY_CRITICAL",
        annotations: dict[str, str] | None = None,
        mode: str | None = None,
        annotation: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Fire a passive health check alert: ``{"alert": ..., "remediation": ... or None}``.

        ``annotation``: the typed one (title, summary_line, description, xid?,
        slurm_node_unavailable?); without it the simulator derives one from name and annotations."""
        body: dict[str, Any] = {
            "cluster_id": cluster_id, "instance_id": instance_id, "alert_name": alert_name,
            "severity": severity, "annotations": annotations or {},
        }
        if mode:
            body["mode"] = mode
        if annotation is not None:
            body["annotation"] = annotation
        return self.admin("POST", "/alerts", body)

    def resolve_alert(self, alert_id: str) -> dict[str, Any]:
        return self.admin("POST", f"/alerts/{alert_id}/resolve")

    def set_confirmation_policy(self, cluster_id: str, policy: str) -> dict[str, Any]:
        return self.admin("PUT", f"/clusters/{cluster_id}/confirmation-policy", {"policy": policy})

    def add_cluster(self, cluster_id: str, name: str | None = None, nodes: int = 16) -> dict[str, Any]:
        return self.admin("POST", "/clusters", {"cluster_id": cluster_id, "name": name or cluster_id, "nodes": nodes})

    def force_state(self, remediation_id: str, state: str, error_message: str | None = None) -> dict[str, Any]:
        return self.admin("POST", f"/remediations/{remediation_id}/force", {"state": state, "error_message": error_message})

    def delete_remediation(self, remediation_id: str) -> dict[str, Any]:
        return self.admin("DELETE", f"/remediations/{remediation_id}")
