"""Provider logs as go-plugin expects them: one hclog JSON object per stderr line.

Terraform reads the plugin's stderr and re-logs JSON lines at their own level, so
``TF_LOG=info`` shows each remediation state change and ``TF_LOG=debug`` each API call.
Messages are built by the provider itself from ids, states and API messages; the API key is
never handed to a logger, and the HTTP libraries' own loggers are kept quiet.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time

_LEVEL_NAMES = {"TRACE": 5, "DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARN": logging.WARNING, "ERROR": logging.ERROR}
_HCLOG_LEVEL = {5: "trace", logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn", logging.ERROR: "error"}


class HclogJsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        level = _HCLOG_LEVEL.get(record.levelno, "error" if record.levelno > logging.ERROR else "info")
        entry = {
            "@level": level,
            "@message": record.getMessage(),
            "@module": "together." + record.name.split(".")[-1],
            "@timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}000Z",
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def configured_level() -> int:
    """The level Terraform asked for (``TF_LOG_PROVIDER``, else ``TF_LOG``); INFO when unset."""
    wanted = (os.environ.get("TF_LOG_PROVIDER") or os.environ.get("TF_LOG") or "INFO").upper()
    if wanted == "JSON":
        wanted = "TRACE"
    return _LEVEL_NAMES.get(wanted, logging.INFO)


def setup() -> None:
    """Send the provider's and the client's logs to stderr as hclog JSON."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(HclogJsonFormatter())
    level = configured_level()
    for name in ("provider_shim", "together_api"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    # Transport libraries log request lines and connection details; the provider logs what matters.
    for noisy in ("httpx", "httpcore", "grpc"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
