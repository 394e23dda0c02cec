"""Regenerate the README's configuration table from ``matcher.Config``.

Run: ``python scripts/update_readme_config.py`` (tests/test_config.py checks it was).
"""

from pathlib import Path

from matcher._config import config_table

START, END = "<!-- config-table:start -->", "<!-- config-table:end -->"
readme = Path(__file__).resolve().parents[1] / "README.md"
text = readme.read_text(encoding="utf-8")
head, rest = text.split(START, 1)
_, tail = rest.split(END, 1)
readme.write_text(f"{head}{START}\n{config_table()}\n{END}{tail}", encoding="utf-8")
print(f"updated {readme}")
