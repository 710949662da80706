"""Benchmarks, run by hand (see docs/developers/benchmarks.md; every run in bench/RESULTS.md)."""

import os


def build_kind() -> str:
    """Whether this checkout's crosswalks run compiled (see bench/compiled_copy.sh) or interpreted."""
    import crosswalks.marc.to_canonical as probe

    return "compiled (mypyc)" if probe.__file__.endswith(".so") else "interpreted"


def pin_to_core(which: int = 0) -> None:
    """Keep this process on one core (``which`` indexes the allowed ones: 0 first, -1 last), so
    that a rate "on one core" is one core's, and a partner process never takes that core."""
    cores = sorted(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cores[which]})
