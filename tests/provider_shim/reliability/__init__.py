"""Reliability and security, proven: the fault campaign, killed applies, secrets, bad input, properties.

``python -m tests.provider_shim.reliability.campaign`` runs the full campaign (see ``docs/reliability.md``);
the test modules here run a smaller version of each part in the test suite.
"""
