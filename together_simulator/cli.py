"""The simulator's command line: ``python -m together_simulator`` (and, through the same
functions, ``together-remediation simulator serve``)."""

from __future__ import annotations

import argparse
import sys

from together_simulator import DEFAULT_API_KEY, DEFAULT_PORT

PROG = "python -m together_simulator"


def _rate(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a probability between 0 and 1")
    return value


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--db", help="SQLite file to keep state in (default: a new temporary file)")
    parser.add_argument(
        "--api-key", action="append", default=[], dest="api_keys", metavar="KEY",
        help=f"an accepted bearer key (repeatable; default: the demo key {DEFAULT_API_KEY})",
    )
    parser.add_argument("--seed", choices=["demo"], help="seed the demo clusters (only into an empty world)")
    parser.add_argument(
        "--duration", action="append", default=[], metavar="MODE=SECONDS",
        help="seconds in RUNNING (MODE=RUNNING), in PENDING and RUNNING with instant quarantine states "
        "(MODE=PENDING:RUNNING) or in each state (MODE=PENDING:QUARANTINING:QUARANTINED:RUNNING); "
        "MODE is a remediation mode, its short name (REBOOT_VM) or * for all",
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added latency per /v1 request")
    parser.add_argument("--error-5xx-rate", type=_rate, default=0.0, help="probability of a 503")
    parser.add_argument("--rate-limit-rate", type=_rate, default=0.0, help="probability of a 429")
    parser.add_argument("--retry-after-seconds", type=float, default=1.0, help="Retry-After of a 429")
    parser.add_argument("--reset-rate", type=_rate, default=0.0, help="probability of a connection reset")
    parser.add_argument(
        "--drop-after-commit-rate", type=_rate, default=0.0,
        help="probability that a create commits and then its response is dropped",
    )
    parser.add_argument("--fault-seed", type=int, help="seed of the fault dice, for repeatable runs")
    parser.add_argument("--failure-probability", type=_rate, default=0.0, help="probability a remediation FAILS")
    parser.add_argument(
        "--ignore-remediation-ids", action="store_true",
        help="ignore a create's remediation_id query parameter and assign the server's own ids, "
        "as an API that does not honour client ids would",
    )


def run_serve(args: argparse.Namespace, prog: str = PROG) -> int:
    from together_simulator.faults import FaultConfig
    from together_simulator.lifecycle import parse_duration_flag
    from together_simulator.server import ServeOptions, serve

    try:
        durations = [parse_duration_flag(text) for text in args.duration]
    except ValueError as exc:
        raise SystemExit(f"{prog}: {exc}") from None
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
        ignore_remediation_ids=args.ignore_remediation_ids,
    )
    return serve(options)


DESCRIPTION = (
    "Serve Together's remediation API offline, on SQLite (root URL http://HOST:PORT for Together's "
    "SDK and CLI, base URL http://HOST:PORT/v1). Admin API under /_simulator/."
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    add_serve_arguments(parser)
    return run_serve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
