"""Shared pytest plugins: the simulator and the terraform harness fixtures."""

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CHECKPOINT_DISABLE", "1")

pytest_plugins: list[str] = ["tests.support.simulator_fixtures", "tests.support.terraform_fixtures"]
