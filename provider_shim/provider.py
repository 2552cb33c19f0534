"""The provider itself: its configuration schema, validation and per-launch configuration.

``TogetherProvider`` implements the ``tf`` package's ``Provider`` protocol. Terraform configures
it once per launch; ``configure_provider`` builds the launch's ``Session`` (the pooled API
client and the caches), importing the HTTP machinery only then, so launches that only validate
or read the schema stay cheap.
"""

from __future__ import annotations

import os
import threading
from typing import Any
from urllib.parse import urlparse

from tf.schema import Schema
from tf.utils import Diagnostics

from provider_shim import PROVIDER_ADDRESS, TYPE_PREFIX
from provider_shim.framework.errors import ProviderError
from provider_shim.framework.durations import parse_duration
from provider_shim.framework.log import add_secret
from provider_shim.framework.schema import Number, String, build_schema, optional
from provider_shim.framework.validation import Validator, is_known
from provider_shim.settings import Settings
from together_api.base_url import DEFAULT_BASE_URL, normalize_base_url

DEFAULT_REQUEST_TIMEOUT = "30s"
DEFAULT_POLL_INTERVAL = "2s"
DEFAULT_MAX_RETRIES = 6
# A shorter pause busy-polls the API (a "0s" made 132 GETs in 3 s); a shorter request time-out
# could never see an answer.
MIN_POLL_INTERVAL = "100ms"
MIN_REQUEST_TIMEOUT = "1s"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def provider_schema() -> Schema:
    return build_schema(
        "Together AI GPU-node remediations: repair worker nodes of a GPU cluster as code.",
        [
            optional(
                "api_key",
                String(),
                "Together API key. Falls back to the `TOGETHER_API_KEY` environment variable, which is the "
                "recommended way: a key written in the configuration is a provider argument like any other, "
                "and Terraform shows it in `terraform show -json` of a saved plan (as it does for every "
                "provider's arguments). The provider never stores the key in state and redacts it from its "
                "diagnostics and logs. Surrounding whitespace (the newline of `file(\"key\")`) is trimmed; a key "
                "that still cannot be an HTTP header value is refused at configure, without repeating it.",
                sensitive=True,
            ),
            optional(
                "base_url",
                String(),
                f"API base URL, in the form Together's SDK and CLI use (`{DEFAULT_BASE_URL}`) or with the API's "
                f"`/v1` (`{DEFAULT_BASE_URL}/v1`): both work. Falls back to `TOGETHER_BASE_URL` (the variable "
                f"Together's SDK and CLI read, in either form), then `{DEFAULT_BASE_URL}`. "
                "Must be https unless it points at this machine (loopback), and must not carry credentials "
                "(`user:password@`): the key goes in `api_key`.",
            ),
            optional(
                "request_timeout",
                String(),
                f"Time limit of one API request (default `{DEFAULT_REQUEST_TIMEOUT}`, at least `{MIN_REQUEST_TIMEOUT}`).",
            ),
            optional(
                "max_retries",
                Number(),
                f"Retries of a request after a network error, 429 or 5xx (default {DEFAULT_MAX_RETRIES}).",
            ),
            optional(
                "poll_interval",
                String(),
                f"Longest pause between two polls of a remediation's state (default `{DEFAULT_POLL_INTERVAL}`, "
                f"at least `{MIN_POLL_INTERVAL}`); polling starts faster and backs off to this.",
            ),
            optional(
                "max_in_flight_per_cluster",
                Number(),
                "At most this many of this provider's remediations run at once per cluster; further creates "
                "wait their turn, so a fleet rolls out gradually. A create holds its turn until it has waited as "
                "`wait_for` asks (with `wait_for = \"none\"`, only the creations are paced). Unset: no limit.",
            ),
        ],
    )


def validate_provider_config(check: Validator) -> None:
    check.duration(["request_timeout"], minimum=MIN_REQUEST_TIMEOUT)
    check.duration(["poll_interval"], minimum=MIN_POLL_INTERVAL)
    check.at_least(["max_retries"], 0)
    check.at_least(["max_in_flight_per_cluster"], 1)
    base_url = check.value(["base_url"])
    if is_known(base_url):
        problem = base_url_problem(base_url)
        if problem:
            check.error(["base_url"], "Invalid base_url", problem)


def base_url_problem(base_url: str) -> str | None:
    """Why ``base_url`` is not acceptable, or None. Plain http only reaches this machine, and a
    URL with credentials is refused without repeating them (its user part may be the secret)."""
    parsed = urlparse(base_url)
    if "@" in parsed.netloc:
        shown = f"{parsed.scheme}://<credentials>@{parsed.netloc.rsplit('@', 1)[1]}" if parsed.scheme else "the URL"
        return (
            f"{shown} carries credentials (user:password@): they would replace the API key. "
            "Remove them and pass the key as api_key or TOGETHER_API_KEY."
        )
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return f"{base_url!r} is not an http(s) URL such as {DEFAULT_BASE_URL!r}."
    if parsed.scheme == "http" and parsed.hostname not in LOOPBACK_HOSTS:
        return f"{base_url!r} uses plain http: the API key would travel unencrypted. Use https (http only for loopback)."
    return None


def settings_from_config(config: dict[str, Any], environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ

    def given(name: str) -> Any:
        value = config.get(name)
        return value if is_known(value) else None

    base_url = given("base_url") or env.get("TOGETHER_BASE_URL") or DEFAULT_BASE_URL
    problem = base_url_problem(base_url)
    if problem:
        raise ProviderError("Invalid base_url", problem, path=["base_url"])
    api_key = given("api_key") or env.get("TOGETHER_API_KEY") or None
    add_secret(api_key)  # redacted from every diagnostic and log line from now on, even if refused
    max_in_flight = given("max_in_flight_per_cluster")
    return Settings(
        api_key=api_key,
        base_url=normalize_base_url(base_url),
        request_timeout=max(parse_duration(given("request_timeout") or DEFAULT_REQUEST_TIMEOUT), parse_duration(MIN_REQUEST_TIMEOUT)),
        max_retries=int(given("max_retries") if given("max_retries") is not None else DEFAULT_MAX_RETRIES),
        poll_interval=max(parse_duration(given("poll_interval") or DEFAULT_POLL_INTERVAL), parse_duration(MIN_POLL_INTERVAL)),
        max_in_flight_per_cluster=int(max_in_flight) if max_in_flight is not None else None,
    )


class TogetherProvider:
    """The ``tf`` Provider: one instance per launch, shared by every call's thread."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.session = None
        self._session_lock = threading.Lock()

    # ---- the tf.iface.Provider protocol -------------------------------------------------

    def get_model_prefix(self) -> str:
        return TYPE_PREFIX

    def full_name(self) -> str:
        return PROVIDER_ADDRESS

    def get_provider_schema(self, diags: Diagnostics) -> Schema:
        return provider_schema()

    def validate_config(self, diags: Diagnostics, config: dict[str, Any]) -> None:
        validate_provider_config(Validator(diags, config or {}))

    def configure_provider(self, diags: Diagnostics, config: dict[str, Any]) -> None:
        try:
            settings = settings_from_config(config or {})
        except ProviderError as exc:
            diags.add_error(exc.summary, detail=exc.detail, path=exc.path)
            return
        if not (settings.api_key or "").strip():
            diags.add_error(
                "Missing API key",
                detail="Set api_key in the provider block or the TOGETHER_API_KEY environment variable.",
                path=["api_key"],
            )
            return
        from provider_shim.session import Session
        from together_api.errors import InvalidApiKeyError, InvalidBaseURLError

        try:
            session = Session(settings, self.stopping)
        except (InvalidApiKeyError, InvalidBaseURLError) as exc:
            # Said before any request: the client checks the key and the URL when it is built.
            diags.add_error(f"Invalid {exc.setting}", detail=str(exc), path=[exc.setting])
            return
        with self._session_lock:
            if self.session is not None:
                self.session.close()
            self.session = session

    def get_resources(self) -> list[type]:
        from provider_shim.registry import resource_types

        return list(resource_types())

    def get_data_sources(self) -> list[type]:
        from provider_shim.registry import data_source_types

        return list(data_source_types())

    def get_functions(self) -> list[type]:
        return []

    def new_resource(self, klass: type) -> Any:
        return klass(self)

    def new_data_source(self, klass: type) -> Any:
        return klass(self)

    # ---- the launch ---------------------------------------------------------------------

    def require_session(self):
        if self.session is None:
            raise ProviderError("The provider is not configured", "Terraform called the provider before configuring it.")
        return self.session

    def close(self) -> None:
        """The launch ends (Shutdown, or Terraform is gone): write what is left to write."""
        with self._session_lock:
            if self.session is not None:
                self.session.close()
                self.session = None

    def stop(self) -> None:
        """Terraform's StopProvider: waits stop polling; in-flight calls return what they have."""
        self.stopping.set()
