"""The provider's exactly-once promise under faults: the fault campaign and the killed applies.

``python -m tests.provider_shim.reliability.campaign`` runs the full campaign (see
``docs/reliability.md``); ``test_campaign.py`` runs a smaller version of it in the test suite.
"""
