"""Every diagnostic and log line the provider writes is redacted of the API key (in every form
an error could quote it) and of URL credentials, whatever the key looks like."""

from __future__ import annotations

import json
import logging
import uuid

import pytest

from provider_shim.framework import log as provider_log
from provider_shim.servicer import RedactedDiagnostics

MARKER = uuid.uuid4().hex
KEYS = {
    "plain": f"tgr-{MARKER}",
    "trailing newline": f"tgr-{MARKER}\n",
    "newline inside": f"tgr-one-{MARKER}\ntgr-two-{MARKER}",
    "regex metacharacters": f"tgr-$.*+?()[]{{}}|^\\-{MARKER}",
    "unicode": f"tgr-ключ-{MARKER}",
    "space inside": f"tgr-{MARKER} second-half-{MARKER}",
}


def _quotations(key: str) -> list[str]:
    """How a library or an API might quote the key in a message."""
    return [
        f"Illegal header value {('Bearer ' + key).encode()!r}",
        f"header {key!r} refused",
        f"echo: Authorization: Bearer {key.strip()}",
        json.dumps({"sent": key}),
        f"raw {key} end",
    ]


@pytest.mark.parametrize("shape", KEYS)
def test_diagnostics_and_log_lines_never_hold_the_key(shape, monkeypatch):
    key = KEYS[shape]
    monkeypatch.setattr(provider_log, "_secrets", set())
    monkeypatch.setenv("TOGETHER_API_KEY", key)  # from the environment, never configured
    for text in _quotations(key):
        diags = RedactedDiagnostics()
        diags.add_error(f"summary {text}", detail=f"detail {text}")
        (diagnostic,) = diags.to_pb()
        line = provider_log.HclogJsonFormatter().format(logging.makeLogRecord({"msg": "%s", "args": (text,), "name": "provider_shim.x", "levelno": 20}))
        for output in (diagnostic.summary, diagnostic.detail, line, json.loads(line)["@message"]):
            assert MARKER not in output, output
            assert MARKER not in output.encode("unicode_escape").decode(), output


def test_a_configured_key_is_redacted_too(monkeypatch):
    monkeypatch.setattr(provider_log, "_secrets", set())
    monkeypatch.delenv("TOGETHER_API_KEY", raising=False)
    provider_log.add_secret(f"cfg-{MARKER}")
    assert provider_log.redact(f"x cfg-{MARKER} y") == "x <redacted> y"


def test_url_credentials_are_redacted_and_ordinary_text_kept():
    assert provider_log.redact("GET https://admin:pa55@api.together.ai/v1 failed") == "GET https://<redacted>@api.together.ai/v1 failed"
    text = "POST /v1/compute/clusters/c/instances/i/remediations: not found (NOT_FOUND, HTTP 404) user@example.com"
    assert provider_log.redact(text) == text
