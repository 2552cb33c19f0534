"""Models and HTTP client for Together AI's GPU-cluster remediation API.

Importing this package has no side effects and imports no HTTP machinery; import
``together_api.client`` for the client and ``together_api.models`` for the models.
"""

__version__ = "0.1.0"
