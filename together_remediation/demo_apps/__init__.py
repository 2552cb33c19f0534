"""The CDK apps `together-remediation demo` synthesizes, shipped inside the package.

An installed package has no checkout: the demo runs these modules (``python -m
together_remediation.demo_apps.quickstart``), never ``examples/``. Each is a byte-for-byte copy
of its example, which stays the source a reader edits (``tests/demo`` checks they match):

- ``quickstart.py``: ``examples/quickstart/main.py``
- ``approval_policy.py``: ``examples/approval-policy/main.py``

Importing a module synthesizes its app: run them, don't import them.
"""

# module of this package -> the example it copies, relative to the checkout's root
SOURCES = {
    "quickstart": "examples/quickstart/main.py",
    "approval_policy": "examples/approval-policy/main.py",
}
