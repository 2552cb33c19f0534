"""What the fast tests of the resource and data source types share: a remediation as the API
gives it, and the errors a type's validation reports (no terraform, no server)."""

from __future__ import annotations

from tf.utils import Diagnostics

from provider_shim.framework.validation import Validator
from together_api.models import Remediation

UUID = "9b8c0636-f422-5864-9bba-50ea6cc35fd8"


def remediation(**fields) -> Remediation:
    base = {
        "id": UUID, "cluster_id": "c", "instance_id": "i", "mode": "REMEDIATION_MODE_VM_ONLY",
        "trigger": "REMEDIATION_TRIGGER_AUTOMATED", "state": "PENDING_APPROVAL",
    }
    return Remediation.model_validate({**base, **fields})


def errors(kind, config: dict) -> list[tuple[str, list]]:
    """(summary, attribute path) of each error the type's validation reports for ``config``."""
    diagnostics = Diagnostics()
    kind(None).validate_config(Validator(diagnostics, config))
    found = []
    for d in diagnostics.to_pb():
        path = [s.attribute_name or s.element_key_int for s in d.attribute.steps]
        found.append((d.summary, path))
    return found
