"""The embedded simulator of Together's node-remediation API: an ASGI app on SQLite.

Run it with ``python -m together_simulator`` (or ``together-remediation simulator serve``,
the same entry point); from Python, start it as a real
subprocess with ``together_simulator.process.SimulatorProcess``.
"""

DEFAULT_API_KEY = "sim-demo-key"
DEFAULT_PORT = 8787
READY_PREFIX = "together-simulator listening on "
"""The first line the server prints once it accepts requests; ``process.py`` waits for it."""
