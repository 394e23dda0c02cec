"""The codebase keeps the shape the restructure gave it (see STYLE.md and issue #11)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "matcher"
ROOT = PACKAGE.parent
#: Longest function body allowed, in lines.
MAX_LINES = 60


def _modules():
    return sorted(PACKAGE.rglob("*.py"))


def _functions(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _length(fn) -> int:
    """Lines of a function, from its ``def`` to its last line, docstring included."""
    return fn.end_lineno - fn.lineno + 1


def test_no_function_longer_than_sixty_lines():
    long = []
    for path in _modules():
        for fn in _functions(ast.parse(path.read_text(encoding="utf-8"))):
            n = _length(fn)
            if n > MAX_LINES:
                long.append(f"{path.relative_to(ROOT)}:{fn.lineno} {fn.name} ({n} lines)")
    assert not long, "\n".join(long)


def test_every_public_function_and_class_has_a_docstring():
    missing = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            public = isinstance(node, (ast.FunctionDef, ast.ClassDef))
            public = public and not node.name.startswith("_")
            if public and not ast.get_docstring(node):
                missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
            if public and isinstance(node, ast.ClassDef):
                for item in node.body:
                    method = isinstance(item, ast.FunctionDef) and not item.name.startswith("_")
                    if method and not ast.get_docstring(item):
                        missing.append(
                            f"{path.relative_to(ROOT)}:{item.lineno} {node.name}.{item.name}"
                        )
    assert not missing, "\n".join(missing)


def _private_imports(path: Path):
    """Imports of another package's private modules (``matcher.x._y`` from outside ``x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(ROOT).with_suffix("")
    here = ".".join(rel.parts[:-1])  # the importing module's package
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.level:
                base = rel.parts[: len(rel.parts) - node.level]
                target = ".".join([*base, *node.module.split(".")])
            else:
                target = node.module
            parts = target.split(".")
            for k, part in enumerate(parts):
                if part.startswith("_") and not part.startswith("__"):
                    owner = ".".join(parts[:k])
                    if not (here == owner or here.startswith(owner + ".")):
                        yield f"{path.relative_to(ROOT)}:{node.lineno} imports {target}"
                    break


def test_no_module_imports_another_packages_private_modules():
    paths = [*_modules(), *(ROOT / "views").glob("*.py"), ROOT / "app.py"]
    found = [hit for path in paths for hit in _private_imports(path)]
    assert not found, "\n".join(found)
