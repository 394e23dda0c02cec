"""Scale benchmarks of issue #16, one part per module with a ``run()``; figures in
``bench/results/``.

Run: ``python bench/scale.py [part ...] [--big]`` (parts: allocate; default: all).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

#: Part name -> module (in bench/) with a ``run(big=False)``.
PARTS = {"allocate": "_scale_allocate"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("parts", nargs="*", help=f"some of {', '.join(PARTS)} (default: all)")
    ap.add_argument("--big", action="store_true", help="also the largest sizes")
    args = ap.parse_args()
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        ap.error(f"unknown parts {sorted(unknown)}; known: {', '.join(PARTS)}")
    for part in args.parts or PARTS:
        importlib.import_module(PARTS[part]).run(big=args.big)


if __name__ == "__main__":
    main()
