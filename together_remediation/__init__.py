"""The ``together-remediation`` command: simulator, provider install, plan review, docs and demo."""
