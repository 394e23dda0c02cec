"""Loading and writing participant and host tables: validation at the edge."""

from ._errors import DataValidationError, Note, Problem, format_report
from ._load import (
    load_hosts,
    load_organisations,
    load_participants,
    load_table,
    validate_files,
    validate_table,
)
from ._schema import HOSTS, ORGANISATIONS, PARTICIPANTS, SCHEMAS, Column, TableSchema
from ._validate import format_languages, infer_activity, parse_languages, parse_list
from ._write import neutralise_formula, to_cell_text, write_table, write_workbook

__all__ = [
    "DataValidationError",
    "Problem",
    "Note",
    "format_report",
    "load_participants",
    "load_hosts",
    "load_organisations",
    "ORGANISATIONS",
    "load_table",
    "validate_files",
    "validate_table",
    "PARTICIPANTS",
    "HOSTS",
    "SCHEMAS",
    "Column",
    "TableSchema",
    "parse_languages",
    "format_languages",
    "parse_list",
    "infer_activity",
    "write_table",
    "write_workbook",
    "neutralise_formula",
    "to_cell_text",
]
