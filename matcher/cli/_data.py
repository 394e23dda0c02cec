"""The one loader for data arguments (``--participants``, ``--hosts``, ``--organisations``)."""

from __future__ import annotations

import sys
import warnings

from ._workspace import HISTORY_DB_HELP, add_db_arg, existing_history

#: The kinds of table a command reads, each with its file in the bundled sample.
SAMPLE_FILES = {
    "participants": "participants.csv",
    "hosts": "hosts.csv",
    "organisations": "organisations.csv",
}
#: What a table is for, shown in ``--help`` when it has no default.
_PURPOSE = {"organisations": " (KA2 partner search)"}
_SAMPLE_DEFAULT = " (default: bundled sample)"


def add_table_arg(parser, kind: str, sample_default: bool = True) -> None:
    """Add ``--<kind> FILE``, e.g. ``--participants P``; ``kind`` is a key of :data:`SAMPLE_FILES`."""
    suffix = _SAMPLE_DEFAULT if sample_default else _PURPOSE.get(kind, "")
    parser.add_argument(f"--{kind}", metavar=kind[0].upper(), help=f"{kind} table{suffix}")


def add_encoding_arg(parser, n_tables: int) -> None:
    """Add ``--encoding``, the text encoding of the command's CSV inputs."""
    inputs = "CSV inputs" if n_tables > 1 else "a CSV input"
    parser.add_argument("--encoding", help=f"text encoding of {inputs}")


def add_data_args(parser, kinds=("participants", "hosts"), sample_default: bool = True) -> None:
    """Add one option per table kind (``--participants P`` ...) and ``--encoding``.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The command's parser.
    kinds : tuple of str
        Keys of :data:`SAMPLE_FILES`, in the order the options are listed.
    sample_default : bool
        Whether a table not given is read from the bundled sample (else it is None).
    """
    for kind in kinds:
        add_table_arg(parser, kind, sample_default)
    add_encoding_arg(parser, len(kinds))


def load_tables(
    args, kinds=("participants", "hosts"), sample_default: bool = True, show_notes: bool = True
) -> dict:
    """Load and validate the tables named on the command line.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed arguments with one attribute per kind, and ``encoding``.
    kinds : tuple of str
        Keys of :data:`SAMPLE_FILES`.
    sample_default : bool
        Read a table not given from the bundled sample; else leave it None.
    show_notes : bool
        Print the loaders' notes (e.g. an encoding fallback) on stderr.

    Returns
    -------
    dict
        Kind -> validated DataFrame, or None. Raises ``DataValidationError`` listing every
        problem of the first invalid table.
    """
    from .. import io
    from ..taxonomy import sample_dir

    loaders = {
        "participants": io.load_participants,
        "hosts": io.load_hosts,
        "organisations": io.load_organisations,
    }
    tables = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for kind in kinds:
            path = getattr(args, kind) or (
                sample_dir() / SAMPLE_FILES[kind] if sample_default else None
            )
            tables[kind] = loaders[kind](path, encoding=args.encoding) if path else None
    notes = [n for t in tables.values() if t is not None for n in t.attrs.get("notes", [])]
    for note in notes if show_notes else []:
        print(f"note: {note}", file=sys.stderr)
    return tables


def add_matcher_args(parser) -> None:
    """Arguments of a command that ranks: the participants, the hosts, the workspace and
    the Dask scheduler."""
    add_data_args(parser)
    add_db_arg(parser, HISTORY_DB_HELP)
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler (tcp://host:8786) to encode and rank on; default "
        "MATCHER_DASK_SCHEDULER, else this machine",
    )


def cluster_client(args):
    """A Dask client for ``--scheduler`` (or ``MATCHER_DASK_SCHEDULER``), else None.

    Connected once per command and shared by the encoder and the rankings.
    """
    from .._config import Config

    address = getattr(args, "scheduler", None) or Config.from_env().dask_scheduler
    if not address:
        return None
    if getattr(args, "_client", None) is None:
        from ..cluster import connect

        args._client = connect(address)
    return args._client


def fit_matcher(args, with_history: bool = True):
    """A :class:`~matcher.Matcher` fitted on ``--participants`` and ``--hosts``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed data arguments (and ``db`` when ``with_history``).
    with_history : bool
        Fit with the decisions of the workspace, if one exists, as the dashboard does:
        past cooperation counts and a host that declined a participant is not proposed again.
    """
    from ..engine import Matcher

    tables = load_tables(args)
    history = existing_history(args) if with_history else None
    client = cluster_client(args)
    encoder = None
    if client is not None:  # texts the cache does not know are encoded on the cluster
        from ..cluster import cluster_encoder

        encoder = cluster_encoder(client)
    return Matcher(encoder=encoder).fit(tables["participants"], tables["hosts"], history=history)
