"""The console script ``kazneb`` (``[project.scripts]`` in pyproject.toml): the group that
:mod:`kazneb.commands` builds, under the name scripts and installed copies already call."""

from kazneb.commands import GC_YOUNG_THRESHOLD, main, tune_garbage_collector

__all__ = ["GC_YOUNG_THRESHOLD", "main", "tune_garbage_collector"]
