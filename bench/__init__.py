"""Performance benchmarks of the provider, side by side with Terraform's builtin ``terraform_data``.

Run them all with ``make bench`` (or ``.venv/bin/python -m bench``); ``--quick`` is a smoke run.
Each benchmark prints its figure next to its target; see ``docs/performance.md``.
"""
