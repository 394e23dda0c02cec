"""National-scale benchmarks (issue #16), one part at a time or all, into results/scale.md.

    python bench/scale.py recommend|dask|import|encode|allocate|all [--quick]

Each part lives in ``bench/_scale_<part>.py`` and returns its section of ``scale.md`` as
Markdown lines, every figure compared with a baseline measured in the same run; running one
part rewrites only its section. ``allocate`` runs ``bench/_scale_allocate.py`` (the
allocation track's) when it exists. ``--quick`` runs small sizes (a smoke test of the
scripts, not figures for the README).
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import RESULTS, machine  # noqa: E402

PARTS = ("encode", "recommend", "dask", "import", "allocate")
RESULT = "scale.md"
_SECTION = re.compile(r"<!-- part:(\w+) -->\n(.*?)<!-- /part:\1 -->\n", re.S)


def _run_part(name: str, args) -> list[str]:
    try:
        module = importlib.import_module(f"_scale_{name}")
    except ModuleNotFoundError:
        return [f"## {name}", "", f"(bench/_scale_{name}.py is not on this branch)"]
    if name == "allocate":  # the allocation track's part: run(big) returns its Markdown table
        return [f"## {name}", "", module.run(big=args.big)]
    run = getattr(module, "run", None) or (lambda _args: module.main())
    return run(args) or []


def _write(sections: dict[str, list[str]]) -> Path:
    path = RESULTS / RESULT
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = {m.group(1): m.group(2) for m in _SECTION.finditer(old)}
    kept.update({name: "\n".join(lines) + "\n" for name, lines in sections.items()})
    text = f"# National scale (bench/scale.py)\n\n{machine()}\n\n"
    for name in PARTS:
        if name in kept:
            text += f"<!-- part:{name} -->\n{kept[name]}<!-- /part:{name} -->\n\n"
    RESULTS.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("part", choices=[*PARTS, "all"])
    ap.add_argument("--quick", action="store_true", help="small sizes, to test the scripts")
    ap.add_argument("--big", action="store_true", help="allocate: also 100,000 x 30,000")
    args = ap.parse_args()
    warnings.simplefilter("ignore")
    names = PARTS if args.part == "all" else (args.part,)
    sections = {}
    for name in names:
        print(f"== {name}", flush=True)
        sections[name] = _run_part(name, args)
        print("\n".join(sections[name]), flush=True)
        print(f"written to {_write({name: sections[name]})}", flush=True)


if __name__ == "__main__":
    main()
