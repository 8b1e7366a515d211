"""A typed ``functools.lru_cache`` for the public normalizers.

``functools.lru_cache`` returns an ``_lru_cache_wrapper`` whose ``__call__`` takes ``*args: Any``,
which silently turns off argument type checking for every caller. :func:`typed_cache` keeps the
decorated function's signature visible to mypy while caching the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast

__all__ = ["typed_cache"]

P = ParamSpec("P")
R = TypeVar("R")


def typed_cache(maxsize: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """``functools.lru_cache(maxsize)`` that preserves the wrapped signature for type checkers.

    The cache is still reachable at run time as ``fn.cache_clear()`` / ``fn.cache_info()``.
    """

    def deco(fn: Callable[P, R]) -> Callable[P, R]:
        return cast(Callable[P, R], functools.lru_cache(maxsize=maxsize)(fn))

    return deco
