"""``matcher users add|list``: manage accounts."""

from __future__ import annotations

import getpass
import sys

from ._exit import ExitCode
from ._workspace import add_db_arg, open_as_admin


def _read_password(from_stdin: bool) -> str | None:
    """The first line of stdin, or a password typed twice at a prompt (None if they differ)."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("Password: ")
    return password if getpass.getpass("Repeat: ") == password else None


def run_add(args) -> int:
    """Add an account; the password is stored as an argon2 hash."""
    password = _read_password(args.password_stdin)
    if password is None:
        print("matcher: error: the passwords differ", file=sys.stderr)
        return ExitCode.ERROR
    ws, admin = open_as_admin(args)
    user = ws.add_user(args.username, password, args.role, args.org or "", by=admin)
    print(f"added {user.username} ({user.role}{', ' + user.acts_for if user.acts_for else ''})")
    return ExitCode.OK


def run_list(args) -> int:
    """Print the accounts (no password hashes)."""
    ws, admin = open_as_admin(args)
    print(ws.users(admin).to_string(index=False))
    return ExitCode.OK


def add_parser(sub) -> None:
    """Add ``users`` with its actions ``add`` and ``list`` to the subcommands."""
    from ..store import ROLES

    p = sub.add_parser(
        "users",
        help="manage accounts",
        description="Accounts with roles: coordinator, host, analyst, admin.",
    )
    users = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    q = users.add_parser(
        "add",
        help="add an account",
        description="Add an account; the password is read from a prompt (or stdin) and stored as an argon2 hash.",
    )
    q.add_argument("--username", required=True)
    q.add_argument("--role", required=True, choices=ROLES)
    q.add_argument("--org", help="sending organisation (coordinator) or host id (host)")
    q.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin",
    )
    add_db_arg(q)
    q.set_defaults(func=run_add)
    q = users.add_parser(
        "list", help="list accounts", description="List accounts (no password hashes)."
    )
    add_db_arg(q)
    q.set_defaults(func=run_list)
