"""The `together` provider block (source `together-remediation/together`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ._cdk import cdk
from ._element import ProviderAttributes, create_in_node
from ._values import MIN_POLL_INTERVAL, MIN_REQUEST_TIMEOUT, Checker, drop_unset, is_unresolved

PROVIDER_SOURCE = "together-remediation/together"
PROVIDER_VERSION_CONSTRAINT = "~> 0.1"
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


class TogetherProvider(ProviderAttributes, cdk.TerraformProvider):
    """Configures the Together remediation provider for the resources and data sources of a stack.

    Every prop is optional: the provider reads `TOGETHER_API_KEY` and `TOGETHER_BASE_URL` from the
    environment of `terraform`, which keeps the key out of the synthesized configuration.

    :param scope: the stack (or construct) the provider belongs to.
    :param id: the construct id.
    :param api_key: API key, as a token only (e.g. a sensitive `TerraformVariable`'s value): a
        literal key would be written into `cdk.tf.json`, so it is refused. Default: the provider
        reads `TOGETHER_API_KEY`.
    :param base_url: API base URL. Default `https://api.together.xyz/v1` (or `TOGETHER_BASE_URL`);
        must be https unless the host is loopback (the simulator).
    :param request_timeout: time-out of one API request, a duration such as `"30s"` (default `"30s"`).
    :param max_retries: retries of a request after a network error, 429 or 5xx (default 6).
    :param poll_interval: longest pause between two polls of a remediation's state; polling starts
        faster and backs off to this (default `"2s"`).
    :param max_in_flight_per_cluster: most of this provider's remediations running at once per
        cluster; further creates wait their turn (default: no limit).
    :param alias: the provider's alias, to configure more than one (e.g. two accounts).
    """

    _attribute_kinds = {
        "api_key": "string",
        "base_url": "string",
        "request_timeout": "string",
        "max_retries": "number",
        "poll_interval": "string",
        "max_in_flight_per_cluster": "number",
    }

    def __init__(
        self,
        scope: Any,
        id: str,
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        request_timeout: str | None = None,
        max_retries: int | None = None,
        poll_interval: str | None = None,
        max_in_flight_per_cluster: int | None = None,
        alias: str | None = None,
    ) -> None:
        check = Checker(scope, id)
        self._alias = check.string("alias", alias)
        self._attributes = drop_unset(
            {
                "api_key": _api_key(check, api_key),
                "base_url": _base_url(check, base_url),
                "request_timeout": check.duration("request_timeout", request_timeout, minimum=MIN_REQUEST_TIMEOUT),
                "max_retries": check.integer("max_retries", max_retries, minimum=0),
                "poll_interval": check.duration("poll_interval", poll_interval, minimum=MIN_POLL_INTERVAL),
                "max_in_flight_per_cluster": check.integer(
                    "max_in_flight_per_cluster", max_in_flight_per_cluster, minimum=1
                ),
            }
        )
        create_in_node(self, scope, id, _provider_config())

    @property
    def alias(self) -> str | None:
        """The provider's alias, or None for the default provider."""
        return self._alias

    @alias.setter
    def alias(self, value: str | None) -> None:
        self._alias = value


_CONFIG: list[Any] = []


def _provider_config() -> Any:
    if not _CONFIG:
        _CONFIG.append(
            cdk.TerraformProviderConfig(
                terraform_resource_type="together",
                terraform_provider_source=PROVIDER_SOURCE,
                terraform_generator_metadata=cdk.TerraformProviderGeneratorMetadata(
                    provider_name="together", provider_version_constraint=PROVIDER_VERSION_CONSTRAINT
                ),
            )
        )
    return _CONFIG[0]


def _base_url(check: Checker, value: Any) -> Any:
    value = check.string("base_url", value)
    if value is None or is_unresolved(value):
        return value
    parts = urlsplit(value)
    if "@" in parts.netloc:  # said without the URL: its user part may be the secret
        check.fail("base_url", "must not carry credentials (user:password@); the key goes in TOGETHER_API_KEY")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        check.fail("base_url", f"must be an http(s) URL such as https://api.together.xyz/v1; got {value!r}")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS:
        check.fail("base_url", f"must use https unless the host is loopback; got {value!r}")
    return value


def _api_key(check: Checker, value: Any) -> Any:
    """Only a token: a literal key would land in the synthesized file (and never in an error)."""
    if value is None or is_unresolved(value):
        return value
    check.fail(
        "api_key",
        "a literal key would be written into the synthesized configuration; set TOGETHER_API_KEY "
        "where terraform runs, or pass a sensitive TerraformVariable's value",
    )
