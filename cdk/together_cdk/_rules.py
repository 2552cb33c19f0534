"""Checks of construct props that the provider's schema cannot express, written by hand.

The generator names them in the generated constructs: a prop's own check (`token_only`,
`secure_url`) or a rule over the checked props (`one_of_mode_and_escalation`, `approval_override`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ._values import Checker, is_unresolved
from .enums import NOT_AN_APPROVAL_MODE, RemediationMode, ReviewDecision

_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def one_of_mode_and_escalation(check: Checker, attributes: Mapping[str, Any]) -> None:
    """A remediation runs one mode or climbs one ladder."""
    if ("mode" in attributes) == ("escalation" in attributes):
        check.fail("mode", "set exactly one of mode and escalation")


def approval_override(check: Checker, attributes: Mapping[str, Any]) -> None:
    """A review's `mode` is an override the API takes, and only with `APPROVE`."""
    _refuse_override(check, "mode", attributes.get("mode"), attributes.get("decision"))


def approval_mode(check: Checker, prop: str, mode: Any, decision: Any) -> Any:
    """An approval's mode override (member or string): a mode the API takes as one, and only with `APPROVE`."""
    mode = check.enum(prop, mode, RemediationMode)
    _refuse_override(check, prop, mode, decision)
    return mode


def _refuse_override(check: Checker, prop: str, mode: Any, decision: Any) -> None:
    if mode is None:
        return
    if mode in {refused.value for refused in NOT_AN_APPROVAL_MODE}:
        check.fail(prop, f"{mode} cannot be an approval's mode (the API refuses it): create a remediation "
                         "with that mode instead, or approve as another mode")
    if decision == ReviewDecision.REJECT.value:
        check.fail(prop, "approves as another mode: a REJECT runs nothing, so leave it unset")


def secure_url(check: Checker, prop: str, value: Any) -> Any:
    """An http(s) URL: https unless the host is loopback, and without credentials."""
    value = check.string(prop, value)
    if value is None or is_unresolved(value):
        return value
    parts = urlsplit(value)
    if "@" in parts.netloc:  # said without the URL: its user part may be the secret
        check.fail(prop, "must not carry credentials (user:password@); the key goes in TOGETHER_API_KEY")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        check.fail(prop, f"must be an http(s) URL such as https://api.together.ai; got {value!r}")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS:
        check.fail(prop, f"must use https unless the host is loopback; got {value!r}")
    return value


def token_only(check: Checker, prop: str, value: Any) -> Any:
    """A secret, as a token only: a literal would land in the synthesized file (and never in an error)."""
    if value is None or is_unresolved(value):
        return value
    check.fail(
        prop,
        "a literal key would be written into the synthesized configuration; set TOGETHER_API_KEY "
        "where terraform runs, or pass a sensitive TerraformVariable's value",
    )
