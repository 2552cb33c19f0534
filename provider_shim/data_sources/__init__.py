"""Data sources: one module each, setting ``DATA_SOURCE_TYPE`` (see ``provider_shim.registry``)."""
