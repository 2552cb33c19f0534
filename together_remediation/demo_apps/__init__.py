"""The CDK apps `together-remediation demo` synthesizes, shipped inside the package.

An installed package has no checkout: the demo runs these modules (``python -m
together_remediation.demo_apps.quickstart``), never ``examples/``. These modules are the one
source: each example's ``main.py`` is a link to its module
(``tests/together_remediation/test_demo_apps.py`` checks the links):

- ``quickstart.py``: ``examples/quickstart/main.py``
- ``approval_policy.py``: ``examples/approval-policy/main.py``

Importing a module synthesizes its app: run them, don't import them.
"""

# module of this package -> the example that links to it, relative to the checkout's root
SOURCES = {
    "quickstart": "examples/quickstart/main.py",
    "approval_policy": "examples/approval-policy/main.py",
}
