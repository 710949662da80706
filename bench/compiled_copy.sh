#!/usr/bin/env bash
# A copy of this checkout (working tree, uncommitted edits included) at DEST with the crosswalk
# modules compiled in place by mypyc, to run the benchmarks on the compiled build:
#   bash bench/compiled_copy.sh /tmp/kazneb-compiled
#   cd /tmp/kazneb-compiled && python bench/crosswalk_bench.py && python bench/harvest_bench.py
# Needs mypy (pip install mypy) and a C compiler. Never build in place in your working copy:
# the .so files would shadow the .py files you edit.
set -euo pipefail
dest=${1:?usage: bash bench/compiled_copy.sh DEST}
root=$(cd "$(dirname "$0")/.." && pwd)
case "$(cd "$(dirname "$dest")" && pwd)/$(basename "$dest")" in
  "$root"|"$root"/*) echo "DEST must be outside the checkout" >&2; exit 2 ;;
esac
rm -rf "$dest" && mkdir -p "$dest"
(cd "$root" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$dest"
cd "$dest" && KAZNEB_COMPILE=1 python3 setup.py build_ext --inplace > build.log 2>&1 || { tail -20 build.log; exit 1; }
python3 -c "import sys; sys.path.insert(0, '.'); from bench import build_kind; print('$dest:', build_kind())"
