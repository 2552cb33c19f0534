"""Which CDK for Terraform runs the constructs: `cdktn` (CDK Terrain, the maintained fork) or `cdktf`.

Both expose the same API under different module names. The setting `TOGETHER_CDK=cdktn|cdktf`
names one; without it the first importable of `cdktn`, `cdktf` is used (the fork first, because
HashiCorp archived CDKTF at 0.21.0). Everything else in the package reaches the CDK through `cdk`.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType

SETTING = "TOGETHER_CDK"
SUPPORTED = ("cdktn", "cdktf")


def _load() -> ModuleType:
    wanted = os.environ.get(SETTING, "").strip().lower()
    if wanted:
        if wanted not in SUPPORTED:
            raise ImportError(f"{SETTING}={wanted!r} is not supported: use one of {', '.join(SUPPORTED)}")
        try:
            return importlib.import_module(wanted)
        except ImportError as error:
            raise ImportError(f"{SETTING}={wanted} but {wanted} is not installed: pip install {wanted}") from error
    for name in SUPPORTED:
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError("together_cdk needs CDK for Terraform: pip install cdktn (or cdktf)")


cdk: ModuleType = _load()
CDK_NAME: str = cdk.__name__
