"""The API's base URL in the one form Together's SDK and CLI use, and this project too.

Together's SDK reads ``TOGETHER_BASE_URL`` as the bare host (``https://api.together.ai``) and
puts ``/v1`` in its paths; earlier releases of this project took ``.../v1``. Both forms are
accepted everywhere and normalized here, so one shell serves both tools. Imports nothing heavy:
the provider validates its configuration with it before the HTTP client loads.
"""

from __future__ import annotations

DEFAULT_BASE_URL = "https://api.together.ai"
API_PREFIX = "/v1"


def normalize_base_url(url: str) -> str:
    """``https://api.together.ai/v1/`` -> ``https://api.together.ai``; the API root, no ``/v1``."""
    root = url.strip().rstrip("/")
    if root.endswith(API_PREFIX):
        root = root[: -len(API_PREFIX)]
    return root.rstrip("/")
