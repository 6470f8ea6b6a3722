"""The collector's pause: counted across overlapping pieces of work, restored as it was found."""

from __future__ import annotations

import gc
import threading

from shared.gc_pause import gc_paused, without_gc


def test_the_collector_runs_again_when_the_last_paused_work_ends():
    assert gc.isenabled()
    inner_started, outer_may_end = threading.Event(), threading.Event()

    def other() -> None:
        with gc_paused():
            inner_started.set()
            outer_may_end.wait(5)

    with gc_paused():
        worker = threading.Thread(target=other)
        worker.start()
        inner_started.wait(5)
    assert not gc.isenabled()  # the other thread's work is still under way
    outer_may_end.set()
    worker.join(5)
    assert gc.isenabled()


def test_a_failure_inside_restores_the_collector_and_a_disabled_one_stays_disabled():
    @without_gc
    def fails() -> None:
        assert not gc.isenabled()
        raise ValueError("boom")

    try:
        fails()
    except ValueError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
