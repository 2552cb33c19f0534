"""Provider logs as go-plugin expects them: one hclog JSON object per stderr line.

Terraform reads the plugin's stderr and re-logs JSON lines at their own level, so
``TF_LOG=info`` shows each remediation state change and ``TF_LOG=debug`` each API call.
Messages are built by the provider itself from ids, states and API messages; the API key is
never handed to a logger, and the HTTP libraries' own loggers are kept quiet.

Whatever a message holds, it is redacted before it is written (``redact``): the API key (from
the configuration or ``TOGETHER_API_KEY``, in every form an error could quote it: as given,
trimmed, ``repr``- or JSON-escaped), any ``Bearer <token>`` and the credentials of any URL. The
servicer redacts every diagnostic the same way.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
import time

from together_api.errors import REDACTED
from together_api.errors import redact as _redact_bearer_and

_LEVEL_NAMES = {"TRACE": 5, "DEBUG": logging.DEBUG, "INFO": logging.INFO, "WARN": logging.WARNING, "ERROR": logging.ERROR}
_HCLOG_LEVEL = {5: "trace", logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warn", logging.ERROR: "error"}


API_KEY_ENV = "TOGETHER_API_KEY"
# Pieces of a key shorter than this are not redacted on their own: they would be found in
# ordinary words. The whole key is always redacted, whatever its length.
_MIN_PIECE = 8
# ``scheme://user:password@`` (or ``user@``): the part before ``@`` may be a secret.
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#]+@")

_secrets_lock = threading.Lock()
_secrets: set[str] = set()


def add_secret(value: str | None) -> None:
    """Redact ``value`` (an API key) from every later log line and diagnostic of this process."""
    forms = _forms(value)
    if forms:
        with _secrets_lock:
            _secrets.update(forms)


def _forms(value: str | None) -> set[str]:
    """The key as it may be quoted: raw, trimmed, repr- and JSON-escaped, and its long pieces
    (a key with a newline inside may be quoted line by line)."""
    if not isinstance(value, str) or not value:
        return set()
    forms = {value, value.strip()}
    forms.update(piece for piece in value.split() if len(piece) >= _MIN_PIECE)
    for form in list(forms):
        forms.update(
            (
                repr(form)[1:-1],
                json.dumps(form)[1:-1],
                form.encode("unicode_escape").decode("ascii"),
                repr(form.encode("utf-8", "surrogatepass"))[2:-1],  # as httpx quotes a header: b'...'
            )
        )
    return {form for form in forms if form.strip()}


def secrets() -> list[str]:
    """Every known form of the key, longest first (so a longer form is never cut by a shorter)."""
    with _secrets_lock:
        known = set(_secrets)
    known |= _forms(os.environ.get(API_KEY_ENV))
    return sorted(known, key=len, reverse=True)


def redact(text: str) -> str:
    """``text`` without the API key, ``Bearer`` tokens or URL credentials."""
    if not isinstance(text, str) or not text:
        return text
    text = _redact_bearer_and(text, secrets())
    return _URL_CREDENTIALS.sub(lambda m: f"{m.group(1)}{REDACTED}@", text)


class HclogJsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        level = _HCLOG_LEVEL.get(record.levelno, "error" if record.levelno > logging.ERROR else "info")
        entry = {
            "@level": level,
            "@message": redact(record.getMessage()),
            "@module": "together." + record.name.split(".")[-1],
            "@timestamp": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}000Z",
        }
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
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
