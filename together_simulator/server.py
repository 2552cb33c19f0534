"""Run the simulator under uvicorn on a socket bound here, so ``--port 0`` picks a free port
and the first line printed names the real one."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import tempfile
from dataclasses import dataclass, field

import uvicorn

from together_simulator import DEFAULT_API_KEY, READY_PREFIX
from together_simulator.app import Simulator, build_app
from together_simulator.faults import FaultConfig
from together_simulator.lifecycle import FailureConfig, LifecycleConfig
from together_simulator.seed import SEEDS
from together_simulator.store import Store



@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8787
    db: str | None = None
    api_keys: list[str] = field(default_factory=list)
    seed: str | None = None
    durations: list[tuple[str, dict[str, float]]] = field(default_factory=list)
    """``(mode or "*", seconds by state)``, as ``lifecycle.parse_duration_flag`` returns them."""
    faults: FaultConfig = field(default_factory=FaultConfig)
    failure_probability: float = 0.0
    ignore_remediation_ids: bool = False


def configure_logging() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger = logging.getLogger("together_simulator")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def _exit_cleanly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def serve(options: ServeOptions) -> int:
    configure_logging()
    db_path = options.db
    temporary = db_path is None
    if temporary:
        handle, db_path = tempfile.mkstemp(prefix="together-simulator-", suffix=".db")
        os.close(handle)
    store = Store(db_path)
    lifecycle = LifecycleConfig()
    for mode, seconds in options.durations:
        lifecycle.set(mode, **seconds)
    failures = FailureConfig(probability=options.failure_probability)
    sim = Simulator(
        store=store,
        api_keys=frozenset(options.api_keys or [DEFAULT_API_KEY]),
        lifecycle=lifecycle,
        failures=failures,
        faults=options.faults,
    )
    sim.service.honour_remediation_ids = not options.ignore_remediation_ids
    if options.seed:
        SEEDS[options.seed](sim.service)

    sock = socket.socket(socket.AF_INET6 if ":" in options.host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted sockets inherit TCP_NODELAY on Linux: without it, uvicorn's separate header and
    # body writes meet delayed ACKs and every keep-alive response waits about 40 ms.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((options.host, options.port))
    except OSError as exc:
        sock.close()
        store.close()
        print(f"together-simulator: cannot listen on {options.host}:{options.port}: {exc.strerror}", file=sys.stderr)
        if temporary:
            os.remove(db_path)
        return 1
    sock.listen(2048)
    port = sock.getsockname()[1]
    shown_host = f"[{options.host}]" if ":" in options.host else options.host

    config = uvicorn.Config(
        build_app(sim),
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_keep_alive=30,
        timeout_graceful_shutdown=5,
        backlog=2048,
    )
    server = uvicorn.Server(config)
    # Only the public demo key is ever printed; a real key stays out of every log.
    keys = (
        f"key {DEFAULT_API_KEY} (the demo key)"
        if set(sim.api_keys) == {DEFAULT_API_KEY}
        else f"{len(sim.api_keys)} key(s) from --api-key"
    )
    print(f"{READY_PREFIX}http://{shown_host}:{port}/v1 (db {db_path}; {keys})", flush=True)
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then raises the signal again: let that
    # end the process through the clean-up below, not through the default handler.
    signal.signal(signal.SIGTERM, _exit_cleanly)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
        if temporary:  # nobody can come back to a database they never named
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(db_path + suffix)
    return 0
