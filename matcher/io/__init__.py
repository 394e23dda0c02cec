"""Loading and writing participant, host, organisation and decision-history tables:
validation at the edge.

The contract (``_schema.py``) declares each table's columns, the checks across columns and
the fills for empty cells; the validator (``_validate.py``) runs them and collects every
problem into one :class:`DataValidationError`. Loaders return what they normalised or
inferred as text in ``frame.attrs["notes"]`` and issue no warnings.
"""

from ._checks import graduation_deadline, infer_activity
from ._errors import DataValidationError, Note, Problem, format_report
from ._ids import id_problem
from ._load import (
    load_history,
    load_hosts,
    load_organisations,
    load_participants,
    load_table,
    validate_files,
    validate_table,
)
from ._read import MAX_CELL_CHARS, MAX_COLUMNS, MAX_COMPRESSION_RATIO, MAX_XLSX_UNPACKED_BYTES
from ._schema import (
    DECISION_ACTIONS,
    HISTORY,
    HOSTS,
    ORGANISATIONS,
    PARTICIPANTS,
    SCHEMAS,
    Check,
    Column,
    Fill,
    TableCheck,
    TableFill,
    TableSchema,
)
from ._validate import format_languages, parse_languages, parse_list
from ._write import neutralise_formula, template, to_cell_text, write_table, write_workbook

__all__ = [
    "DataValidationError",
    "Problem",
    "Note",
    "format_report",
    "load_participants",
    "load_hosts",
    "load_organisations",
    "load_history",
    "load_table",
    "validate_files",
    "validate_table",
    "PARTICIPANTS",
    "HOSTS",
    "ORGANISATIONS",
    "HISTORY",
    "DECISION_ACTIONS",
    "SCHEMAS",
    "Column",
    "Check",
    "Fill",
    "TableCheck",
    "TableFill",
    "TableSchema",
    "parse_languages",
    "format_languages",
    "parse_list",
    "infer_activity",
    "graduation_deadline",
    "write_table",
    "write_workbook",
    "template",
    "neutralise_formula",
    "to_cell_text",
    "id_problem",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_XLSX_UNPACKED_BYTES",
    "MAX_COMPRESSION_RATIO",
]
