"""``together-remediation simulator serve``: the embedded Together API simulator."""

from __future__ import annotations

import argparse


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a probability between 0 and 1")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("simulator", help="the offline simulator of Together's remediation API")
    actions = parser.add_subparsers(dest="simulator_command", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve",
        help="serve the simulated API (base URL http://HOST:PORT/v1)",
        description="Serve Together's remediation API offline, on SQLite. Admin API under /_simulator/.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8787, help="port (default 8787; 0 picks a free one)")
    serve.add_argument("--db", help="SQLite file to keep state in (default: a new temporary file)")
    serve.add_argument(
        "--api-key", action="append", default=[], dest="api_keys", metavar="KEY",
        help="an accepted bearer key (repeatable; default: the demo key sim-demo-key)",
    )
    serve.add_argument("--seed", choices=["demo"], help="seed the demo clusters (only into an empty world)")
    serve.add_argument(
        "--duration", action="append", default=[], metavar="MODE=SECONDS",
        help="seconds in RUNNING (MODE=RUNNING) or in PENDING and RUNNING (MODE=PENDING:RUNNING); "
        "MODE is a remediation mode, its short name (REBOOT_VM) or * for all",
    )
    serve.add_argument("--latency-ms", type=float, default=0.0, help="added latency per /v1 request")
    serve.add_argument("--error-5xx-rate", type=_rate, default=0.0, help="probability of a 503")
    serve.add_argument("--rate-limit-rate", type=_rate, default=0.0, help="probability of a 429")
    serve.add_argument("--retry-after-seconds", type=float, default=1.0, help="Retry-After of a 429")
    serve.add_argument("--reset-rate", type=_rate, default=0.0, help="probability of a connection reset")
    serve.add_argument(
        "--drop-after-commit-rate", type=_rate, default=0.0,
        help="probability that a create commits and then its response is dropped",
    )
    serve.add_argument("--fault-seed", type=int, help="seed of the fault dice, for repeatable runs")
    serve.add_argument("--failure-probability", type=_rate, default=0.0, help="probability a remediation FAILS")
    serve.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    from together_simulator.faults import FaultConfig
    from together_simulator.lifecycle import parse_duration_flag
    from together_simulator.server import ServeOptions, serve

    try:
        durations = [parse_duration_flag(text) for text in args.duration]
    except ValueError as exc:
        raise SystemExit(f"together-remediation simulator serve: {exc}") from None
    faults = FaultConfig(
        latency_ms=args.latency_ms,
        error_5xx_rate=args.error_5xx_rate,
        rate_limit_rate=args.rate_limit_rate,
        retry_after_seconds=args.retry_after_seconds,
        reset_rate=args.reset_rate,
        drop_after_commit_rate=args.drop_after_commit_rate,
        seed=args.fault_seed,
    )
    options = ServeOptions(
        host=args.host, port=args.port, db=args.db, api_keys=args.api_keys, seed=args.seed,
        durations=durations, faults=faults, failure_probability=args.failure_probability,
    )
    return serve(options)
