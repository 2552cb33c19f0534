"""Which CDK for Terraform runs the constructs: `cdktn` (CDK Terrain, the maintained fork) or `cdktf`.

Both expose the same API under different module names. The setting `TOGETHER_CDK=cdktn|cdktf`
names one; without it the first importable of `cdktn`, `cdktf` is used (the fork first, because
HashiCorp archived CDKTF at 0.21.0). Everything else in the package reaches the CDK through `cdk`.
Neither is a dependency of the package itself: each comes with an extra of the same name.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

SETTING = "TOGETHER_CDK"
SUPPORTED = ("cdktn", "cdktf")
DISTRIBUTION = "together-remediation"


def _install_hint(name: str) -> str:
    return f"pip install '{DISTRIBUTION}[{name}]'"


def _load() -> ModuleType:
    wanted = os.environ.get(SETTING, "").strip().lower()
    if wanted:
        if wanted not in SUPPORTED:
            raise ImportError(f"{SETTING}={wanted!r} is not supported: use one of {', '.join(SUPPORTED)}")
        try:
            return importlib.import_module(wanted)
        except ModuleNotFoundError as error:
            if error.name != wanted:
                raise  # installed but broken (one of its own imports is missing): show that error
            raise ImportError(f"{SETTING}={wanted} but {wanted} is not installed: {_install_hint(wanted)}") from error
    for name in SUPPORTED:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise  # installed but broken: falling back to the other CDK would hide why
    raise ImportError(
        "together_cdk needs CDK for Terraform and neither cdktn nor cdktf is installed: "
        f"{_install_hint('cdktn')} (CDK Terrain, the maintained fork) or {_install_hint('cdktf')} (CDKTF 0.21)"
    )


cdk: ModuleType = _load()
CDK_NAME: str = cdk.__name__
