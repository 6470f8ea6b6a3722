"""The cyclic garbage collector paused while a request builds many objects that live until it answers.

A figure endpoint loads every case document (tens of thousands of dicts and lists) and builds its counts'
member lists from them.  Each generation-2 collection CPython starts on the way walks every object built so
far, so the collector took half the time of loading 5,000 documents and of the 好差评 figures over them
(``python -m bench scale``).  Nothing such a request builds needs the collector: it makes no reference
cycles, and reference counting frees it all when the answer has been sent.  Pausing is process-wide, so it
is counted: the collector runs again when the last paused piece of work has finished, and catches up then.
"""

from __future__ import annotations

from contextlib import contextmanager
import functools
import gc
import threading
from typing import Callable, Iterator, TypeVar

_lock = threading.Lock()
_paused = 0
_was_enabled = False

F = TypeVar("F", bound=Callable)


@contextmanager
def gc_paused() -> Iterator[None]:
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


def without_gc(fn: F) -> F:
    """``fn`` run with the collector paused (an endpoint keeps its signature for FastAPI)."""
    @functools.wraps(fn)
    def paused(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        with gc_paused():
            return fn(*args, **kwargs)
    return paused  # type: ignore[return-value]
