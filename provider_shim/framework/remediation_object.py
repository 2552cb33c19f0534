"""A remediation as a Terraform object value: the type and attributes data sources share.

``together_remediations`` returns a list of these objects and ``together_remediation`` returns
one remediation's fields as top-level attributes; both describe the fields with
``REMEDIATION_FIELD_DESCRIPTIONS`` and fill them with ``convert.remediation_values``. The
accepted modes, states, triggers and severities are ``together_api.vocabulary``'s.
"""

from __future__ import annotations

from provider_shim.framework.schema import ALERT_OBJECT, REMEDIATION_FIELD_DESCRIPTIONS, List, Object, String, TfType

ORDER_BY = ("create_time", "create_time desc", "update_time", "update_time desc")


def field_type(name: str) -> TfType:
    """The Terraform type of one field of ``FIELDS``."""
    return List(ALERT_OBJECT) if name == "linked_alerts" else String()


# The API's remediation fields, in the order of their descriptions: the schema's attributes and
# the values ``convert.remediation_values`` fills in.
FIELDS = tuple(REMEDIATION_FIELD_DESCRIPTIONS)

REMEDIATION_OBJECT = Object({name: field_type(name) for name in FIELDS})
