"""Members of generated constructs that the provider's schema cannot express, written by hand.

The generator lists them (`together_remediation/cdk_gen/spec.py`, `EXTRAS`) as a mixin of the
construct.
"""

from __future__ import annotations

from ._cdk import cdk


class InstanceIdLookup:
    """For `together_cluster`: a node's instance id by the node's name."""

    def instance_id_of(self, node_name: str) -> str:
        """A token for the instance id of the node named `node_name` (fails at plan if unknown)."""
        return cdk.Token.as_string(self.interpolation_for_attribute(f'instance_id_by_node_name["{node_name}"]'))
