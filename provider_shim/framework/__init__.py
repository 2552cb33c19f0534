"""Shared building blocks of the provider's resources and data sources.

One concern per module: schema building (``schema``), extra value types (``types``), the
resource and data source base classes and their call contexts (``base``), validation
diagnostics (``validation``), durations (``durations``), import ids (``import_id``),
remediation identity (``identity``), API object → state conversion (``convert``), per-launch
cached lookups (``lookups``), waiting with backoff (``waiting``) and provider logs (``log``).
"""
