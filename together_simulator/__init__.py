"""The embedded simulator of Together's node-remediation API: an ASGI app on SQLite.

Run it with ``together-remediation simulator serve``; from Python, start it as a real
subprocess with ``together_simulator.process.SimulatorProcess``.
"""

DEFAULT_API_KEY = "sim-demo-key"
DEFAULT_PORT = 8787
