"""Who an accepted key is: ``GET /v3/whoami`` as Together's CLI asks it before every command
(to find the key's project), and the project every simulated cluster belongs to."""

from __future__ import annotations

from typing import Any

PROJECT_ID = "proj-simulator"
ORGANIZATION_ID = "org-simulator"


def whoami() -> dict[str, Any]:
    """A project API key (the SDK's ``WhoamiProjectAPIKey``); the key's id names no key."""
    return {
        "type": "project_api_key",
        "api_key": {"id": "sim-api-key"},
        "organization": {"id": ORGANIZATION_ID, "name": "Simulator"},
        "project": {"id": PROJECT_ID, "name": "Simulator", "slug": "simulator"},
    }
