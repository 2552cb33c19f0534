"""Documentation generated from the code, so it never drifts.

- ``live_schema``: the provider's schema as Terraform sees it (``terraform providers schema -json``
  in a workspace that uses the installed provider).
- ``attributes``: one documented attribute (flags, type, description, plan behaviour).
- ``terraform_pages``: the registry's page layout (tfplugindocs) for the provider, each resource
  and each data source, with example usage and import sections from ``examples/``.
- ``cdk_page``: ``docs/cdk.md`` from the ``together_cdk`` constructs' docstrings and type hints.
- ``generate``: every page as ``{relative path: text}``, written or compared with the tree.
"""
