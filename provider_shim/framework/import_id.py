"""Import ids made of slash-separated parts, e.g. ``CLUSTER/INSTANCE/REMEDIATION``."""

from __future__ import annotations

from provider_shim.framework.errors import ProviderError


def parse_import_id(import_id: str, parts: tuple[str, ...]) -> tuple[str, ...]:
    """Split ``import_id`` into exactly ``parts``; ``ValueError`` shows the expected form."""
    expected = "/".join(p.upper() for p in parts)
    values = (import_id or "").split("/")
    if len(values) != len(parts) or any(not v.strip() for v in values):
        raise ValueError(
            f"The import id {import_id!r} is malformed: expected {expected} "
            f"({len(parts)} non-empty parts separated by '/')."
        )
    if any(v != v.strip() for v in values):
        raise ValueError(f"The import id {import_id!r} has spaces around a part: expected {expected}.")
    from together_api.ids import id_problem  # imports nothing

    for name, value in zip(parts, values):
        problem = id_problem(value)
        if problem:
            # A part such as "." or ".." would make the request name another route (the listing).
            raise ValueError(f"The import id {import_id!r} is malformed: its {name} part {value!r} {problem}; expected {expected}.")
    return tuple(values)


def parse_remediation_import_id(import_id: str) -> tuple[str, str, str]:
    """``CLUSTER/INSTANCE/REMEDIATION``, the import id of both resources."""
    try:
        cluster_id, instance_id, remediation_id = parse_import_id(import_id, ("cluster", "instance", "remediation"))
    except ValueError as exc:
        raise ProviderError("Invalid import id", str(exc)) from None
    return cluster_id, instance_id, remediation_id
