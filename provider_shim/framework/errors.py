"""The one exception the provider's code raises to report an error diagnostic."""

from __future__ import annotations


class ProviderError(Exception):
    """A failure to report as one error diagnostic (optionally on an attribute)."""

    def __init__(self, summary: str, detail: str = "", path: list | None = None):
        super().__init__(f"{summary}: {detail}" if detail else summary)
        self.summary = summary
        self.detail = detail
        self.path = path
