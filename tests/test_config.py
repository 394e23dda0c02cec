"""The configuration: environment overrides and the README's table generated from it."""

from pathlib import Path

import pytest

from matcher import Config
from matcher._config import config_table

README = Path(__file__).resolve().parents[1] / "README.md"
START, END = "<!-- config-table:start -->", "<!-- config-table:end -->"


def test_readme_configuration_table_is_generated_from_config():
    text = README.read_text(encoding="utf-8")
    shown = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert shown == config_table(), (
        "run: python -c 'from matcher._config import config_table; print(config_table())'"
    )


def test_every_field_is_documented_and_overridable():
    table = config_table()
    for line in table.splitlines()[2:]:
        assert line.split("|")[3].strip(), f"undocumented: {line}"
    cfg = Config.from_env({"MATCHER_SECTOR_GATE": "0.5", "MATCHER_COSINE_FLOOR": "0.2"})
    assert cfg.sector_gate == 0.5 and cfg.cosine_floor == 0.2


def test_text_range_is_checked():
    with pytest.raises(ValueError, match="must exceed"):
        Config(cosine_floor=0.8, cosine_ceiling=0.5).text_range()
