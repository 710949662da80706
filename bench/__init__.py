"""Benchmarks, run by hand (see README, "Benchmarks")."""


def build_kind() -> str:
    """Whether this checkout's crosswalks run compiled (see bench/compiled_copy.sh) or interpreted."""
    import crosswalks.marc.to_canonical as probe

    return "compiled (mypyc)" if probe.__file__.endswith(".so") else "interpreted"
