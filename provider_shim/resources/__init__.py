"""Managed resources: one module each, setting ``RESOURCE_TYPE`` (see ``provider_shim.registry``)."""
