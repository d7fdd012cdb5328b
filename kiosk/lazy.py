"""Packages that hand out their names lazily: `import kiosk.store` stays cheap, and a name is
imported from its module when first used. Each package keeps its `_EXPORTS` table (name ->
module; tests/test_layers.py reads it) and sets `__getattr__ = lazy_exports(__name__,
_EXPORTS)`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """The module-level `__getattr__` of `package` for the names in `exports`."""

    def __getattr__(name: str) -> Any:  # noqa: N807 (the module hook's own name)
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__
