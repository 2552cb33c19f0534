"""The provider's configuration after defaults and environment fallbacks.

Its own module because both sides of a launch need it: the provider builds it from Terraform's
configuration (``provider.settings_from_config``) and the session is built from it; neither
imports the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """The provider configuration after defaults and environment fallbacks."""

    api_key: str | None
    base_url: str
    request_timeout: float
    max_retries: int
    poll_interval: float
    max_in_flight_per_cluster: int | None

    def __repr__(self) -> str:  # never show the key
        return f"Settings(base_url={self.base_url!r}, api_key={'<set>' if self.api_key else '<unset>'})"
