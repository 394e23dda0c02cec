"""CLI commands for the persistent workspace: import, export, users, forget."""

from __future__ import annotations

import getpass
import sys


def _workspace(args):
    from .store import Workspace

    return Workspace(args.db)


def _cmd_import(args) -> int:
    from ._cli_common import load_inputs_optional

    participants, hosts = load_inputs_optional(args)
    organisations = None
    if args.organisations:
        import warnings

        from .io import load_organisations

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            organisations = load_organisations(args.organisations, encoding=args.encoding)
    if participants is None and hosts is None and organisations is None:
        print(
            "matcher: error: give --participants, --hosts and/or --organisations", file=sys.stderr
        )
        return 1
    report = _workspace(args).import_tables(participants, hosts, organisations=organisations)
    print(f"imported into {args.db or 'the default workspace'}: {report}")
    return 0


def _cmd_export(args) -> int:
    paths = _workspace(args).export(args.out)
    for p in paths:
        print(f"wrote {p}")
    return 0


def _cmd_users_add(args) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != password:
            print("matcher: error: the passwords differ", file=sys.stderr)
            return 1
    user = _workspace(args).add_user(args.username, password, args.role, args.org or "")
    print(
        f"added {user.username} ({user.role}{', ' + user.organisation if user.organisation else ''})"
    )
    return 0


def _cmd_users_list(args) -> int:
    print(_workspace(args).users().to_string(index=False))
    return 0


def _cmd_forget(args) -> int:
    removed = _workspace(args).forget(args.participant)
    print(
        f"deleted participant {args.participant} and {removed['decisions']} decision(s); the audit log keeps a hash only"
    )
    return 0


def add_commands(sub) -> None:
    from .store import ROLES

    def db(p):
        p.add_argument(
            "--db",
            metavar="URL",
            help="SQLAlchemy URL of the workspace (default: MATCHER_DATABASE_URL or .matcher/matcher.db)",
        )

    p = sub.add_parser(
        "import",
        help="validate tables and upsert them into the workspace",
        description="Validate first, then write all or nothing; report added, changed and unchanged rows.",
    )
    p.add_argument("--participants", metavar="P", help="participants table")
    p.add_argument("--hosts", metavar="H", help="hosts table")
    p.add_argument("--organisations", metavar="O", help="organisations table (KA2 partner search)")
    p.add_argument("--encoding", help="text encoding of CSV inputs")
    db(p)
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser(
        "export",
        help="write the workspace's participants and hosts",
        description="Write DIR/participants.csv and DIR/hosts.csv, or one FILE.xlsx with two sheets (formula-safe).",
    )
    p.add_argument("--out", required=True, metavar="DIR|FILE.xlsx")
    db(p)
    p.set_defaults(func=_cmd_export)

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
    db(q)
    q.set_defaults(func=_cmd_users_add)
    q = users.add_parser(
        "list", help="list accounts", description="List accounts (no password hashes)."
    )
    db(q)
    q.set_defaults(func=_cmd_users_list)

    p = sub.add_parser(
        "forget",
        help="delete a participant's data",
        description="Delete a participant and every decision about them; the audit log keeps a hash only.",
    )
    p.add_argument("--participant", required=True, metavar="ID")
    db(p)
    p.set_defaults(func=_cmd_forget)

    add_learning_command(sub)


def _cmd_learn(args) -> int:
    import pandas as pd

    from . import learning
    from ._cli_common import fit_matcher

    m = fit_matcher(args)
    if args.history:
        history = pd.read_csv(args.history, dtype={"participant_id": str, "host_id": str})
    else:
        history = _workspace(args).history()
    X, y, groups = learning.training_set(m, history)
    if len(set(y)) < 2 or len(y) < 50:
        print(
            f"matcher: error: {len(y)} labelled outcomes ({int(y.sum()) if len(y) else 0} good): too few to learn from",
            file=sys.stderr,
        )
        return 1
    cv = learning.compare_with_hand_weights(X, y, groups, m.weights_)
    scorer = learning.fit_scorer(X, y)
    scorer.metrics = cv
    print(f"outcomes: {cv['pairs']} pairs, {cv['positive_share']:.0%} good")
    print(
        f"cross-validated AUC: learned {cv['auc_learned']:.3f}, hand weights {cv['auc_hand_weights']:.3f}"
    )
    print("learned weights: " + ", ".join(f"{k} {v:.2f}" for k, v in scorer.weights().items()))
    if args.save:
        _workspace(args).save_scorer(scorer)
        print("saved with the workspace; use it with MATCHER_SCORER=learned")
    return 0


def add_learning_command(sub) -> None:
    from ._cli_common import add_data_args

    p = sub.add_parser(
        "learn",
        help="learn weights from recorded outcomes",
        description="Fit a model over the per-criterion scores on accepted/declined/completed placements, cross-validated against the hand weights.",
    )
    add_data_args(p)
    p.add_argument("--history", metavar="CSV", help="decisions table (default: the workspace's)")
    p.add_argument(
        "--db",
        metavar="URL",
        help="workspace URL (default: MATCHER_DATABASE_URL or .matcher/matcher.db)",
    )
    p.add_argument("--save", action="store_true", help="save the model with the workspace")
    p.set_defaults(func=_cmd_learn)
