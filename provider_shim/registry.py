"""The provider's resources and data sources, found by convention.

Each module of ``provider_shim/resources`` sets ``RESOURCE_TYPE``, and each module of
``provider_shim/data_sources`` sets ``DATA_SOURCE_TYPE``: adding a resource or a data source is
adding one file. Modules are imported once, when Terraform first asks for the schema.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from provider_shim.framework.base import DataSourceType, ResourceType


def _discover(package_name: str, attribute: str, base: type) -> tuple[type, ...]:
    package = importlib.import_module(package_name)
    found = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package_name}.{info.name}")
        kind = getattr(module, attribute, None)
        if kind is None:
            raise TypeError(f"{module.__name__} must set {attribute}")
        if not issubclass(kind, base):
            raise TypeError(f"{module.__name__}.{attribute} must subclass {base.__name__}")
        found.append(kind)
    names = [k.name for k in found]
    if len(set(names)) != len(names):
        raise TypeError(f"duplicate type names in {package_name}: {names}")
    return tuple(found)


@functools.cache
def resource_types() -> tuple[type[ResourceType], ...]:
    return _discover("provider_shim.resources", "RESOURCE_TYPE", ResourceType)


@functools.cache
def data_source_types() -> tuple[type[DataSourceType], ...]:
    return _discover("provider_shim.data_sources", "DATA_SOURCE_TYPE", DataSourceType)
