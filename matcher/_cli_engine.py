"""CLI commands that score: recommend, candidates, explain."""

from __future__ import annotations

import json
import sys

import pandas as pd

from ._cli_common import add_data_args, fit_matcher, progress

FORMATS = ("table", "csv", "json")


def _flatten(df: pd.DataFrame) -> pd.DataFrame:
    """Components and reasons as columns, for CSV and tables."""
    out = df.drop(columns=["components", "reasons"])
    if len(df):
        comps = pd.DataFrame(list(df["components"])).add_prefix("score_")
        out = pd.concat([out.reset_index(drop=True), comps.round(3)], axis=1)
        out["reasons"] = ["; ".join(f"{k}: {v}" for k, v in r.items()) for r in df["reasons"]]
    return out


def _emit(frames: list[pd.DataFrame], fmt: str, out) -> None:
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if fmt == "json":
        records = []
        for row in df.to_dict("records"):
            row["score"] = round(float(row["score"]), 4)
            row["components"] = {k: round(float(v), 4) for k, v in row["components"].items()}
            records.append(
                {
                    k: (
                        v.isoformat()[:10]
                        if isinstance(v, pd.Timestamp)
                        else None
                        if v is pd.NaT
                        else v
                    )
                    for k, v in row.items()
                }
            )
        json.dump(records, out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
    elif fmt == "csv":
        from .io._write import neutralise_formula, to_cell_text

        flat = _flatten(df)
        for c in flat.columns:
            flat[c] = [neutralise_formula(to_cell_text(v)) for v in flat[c]]
        flat.to_csv(out, index=False)
    else:
        if df.empty:
            out.write("no feasible match\n")
            return
        flat = _flatten(df).drop(columns=["reasons"])
        flat["score"] = flat["score"].round(3)
        with pd.option_context(
            "display.width", 200, "display.max_columns", 30, "display.max_colwidth", 40
        ):
            out.write(flat.to_string(index=False) + "\n")


def _cmd_recommend(args) -> int:
    m = fit_matcher(args)
    ids = args.participant or list(m.participants_["participant_id"])
    frames = []
    for pid in progress(ids, "recommending", len(ids) > 20):
        r = m.recommend_hosts(pid, k=args.top, country=args.country, min_score=args.min_score)
        r.insert(0, "participant_id", pid)
        frames.append(r)
    _emit(frames, args.format, sys.stdout)
    return 0


def _cmd_candidates(args) -> int:
    m = fit_matcher(args)
    ids = args.host or list(m.hosts_["host_id"])
    frames = []
    for hid in progress(ids, "ranking candidates", len(ids) > 20):
        r = m.recommend_participants(
            hid, k=args.top, pseudonymise=not args.reveal_ids, consenting_only=not args.reveal_ids
        )
        r.insert(0, "host_id", hid)
        frames.append(r)
    _emit(frames, args.format, sys.stdout)
    return 0


def _cmd_explain(args) -> int:
    m = fit_matcher(args)
    e = m.explain(args.participant, args.host)
    if args.format == "json":
        json.dump(e.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(e)
    return 0


def add_commands(sub) -> None:
    p = sub.add_parser(
        "recommend",
        help="rank hosts for participants",
        description="Rank feasible hosts for each participant (all when none is named).",
    )
    add_data_args(p)
    p.add_argument(
        "--participant",
        action="append",
        metavar="ID",
        help="participant id (repeatable; default: all)",
    )
    p.add_argument("--top", type=int, default=10, help="hosts per participant (default 10)")
    p.add_argument(
        "--country", action="append", metavar="CC", help="only hosts in this country (repeatable)"
    )
    p.add_argument("--min-score", type=float, help="only hosts scoring at least this")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_recommend)

    p = sub.add_parser(
        "candidates",
        help="rank candidates for hosts (pseudonymised)",
        description="Rank consenting, pseudonymised candidates for each host (all when none is named).",
    )
    add_data_args(p)
    p.add_argument(
        "--host", action="append", metavar="ID", help="host id (repeatable; default: all)"
    )
    p.add_argument("--top", type=int, default=10, help="candidates per host (default 10)")
    p.add_argument(
        "--reveal-ids",
        action="store_true",
        help="coordinators only: show participant ids and non-consenting participants",
    )
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_candidates)

    p = sub.add_parser(
        "explain",
        help="explain one participant-host pair",
        description="Per-criterion scores, reasons, and the hard rules a pair breaks.",
    )
    add_data_args(p)
    p.add_argument("--participant", required=True, metavar="ID")
    p.add_argument("--host", required=True, metavar="ID")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=_cmd_explain)

    add_allocation_command(sub)
    add_partner_command(sub)


def _cmd_allocate(args) -> int:
    from .allocation import allocate

    m = fit_matcher(args)
    a = allocate(m, args.method, priority=args.priority)
    for key, value in a.summary.items():
        print(f"{key:<32}{value}", file=sys.stderr if not args.out else sys.stdout)
    if args.out:
        path = a.export(args.out)
        print(f"wrote {path}")
    else:
        flat = a.flat_assignments()
        with pd.option_context(
            "display.width", 200, "display.max_columns", 20, "display.max_colwidth", 60
        ):
            print(
                flat.drop(columns=[c for c in flat.columns if c.startswith("score_")]).to_string(
                    index=False
                )
            )
    return 0


def add_allocation_command(sub) -> None:
    from .allocation import METHODS

    p = sub.add_parser(
        "allocate",
        help="place a whole cohort into hosts with limited places",
        description="Assign participants to hosts within capacities: optimal (most placed, then highest total score) or stable (deferred acceptance).",
    )
    add_data_args(p)
    p.add_argument(
        "--method", choices=METHODS, default="optimal", help="optimal (default) or stable"
    )
    p.add_argument(
        "--priority",
        choices=["fewer_opportunities"],
        help="place participants with fewer opportunities first",
    )
    p.add_argument(
        "--out",
        metavar="FILE",
        help="write assignments to FILE.csv, or FILE.xlsx with hosts and summary sheets",
    )
    p.set_defaults(func=_cmd_allocate)


def _cmd_partners(args) -> int:
    import warnings

    from .io import load_organisations
    from .partners import PartnerFinder
    from .taxonomy import sample_dir

    path = args.organisations or sample_dir() / "organisations.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        orgs = load_organisations(path, encoding=args.encoding)
    finder = PartnerFinder().fit(orgs)
    ranked = finder.rank(
        args.org,
        args.idea,
        k=args.top,
        priorities=args.priority or (),
        newcomer_weight=args.newcomer_weight,
    )
    consortia = finder.consortia(
        args.org,
        args.idea,
        args.action,
        n=args.consortia,
        priorities=args.priority or (),
        newcomer_weight=args.newcomer_weight,
    )
    if args.format == "json":
        records = [
            {
                **r,
                "score": round(float(r["score"]), 4),
                "components": {k: round(v, 4) for k, v in r["components"].items()},
            }
            for r in ranked.to_dict("records")
        ]
        json.dump(
            {"partners": records, "consortia": [c.to_dict() for c in consortia]},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
        return 0
    _emit([ranked], args.format, sys.stdout)
    if args.format == "table":
        print(f"\nSuggested {args.action} consortia:")
        for k, c in enumerate(consortia, start=1):
            print(f"{k}. {' + '.join(c.members)}  score {c.score:.2f}  ({c.method})")
            for r in c.reasons:
                print(f"   - {r}")
            if c.lacks:
                print(f"   still lacks: {', '.join(c.lacks)}")
    return 0


def add_partner_command(sub) -> None:
    p = sub.add_parser(
        "partners",
        help="KA2: rank partners and suggest consortia for a project idea",
        description="Rank partners for an organisation's KA2 cooperation partnership idea and suggest consortia that meet KA210/KA220 composition rules.",
    )
    p.add_argument(
        "--organisations", metavar="O", help="organisations table (default: bundled sample)"
    )
    p.add_argument("--org", required=True, metavar="ID", help="the lead organisation's org_id")
    p.add_argument("--idea", required=True, metavar="TEXT", help="the project idea, free text")
    p.add_argument(
        "--priority",
        action="append",
        metavar="TEXT",
        help="a priority (repeatable), e.g. 'inclusion'",
    )
    p.add_argument("--action", choices=("KA210", "KA220"), default="KA220")
    p.add_argument("--top", type=int, default=10, help="partners to list (default 10)")
    p.add_argument("--consortia", type=int, default=3, help="consortia to suggest (default 3)")
    p.add_argument(
        "--newcomer-weight", type=float, help="weight of the preference for newcomers (default 0.1)"
    )
    p.add_argument("--encoding", help="text encoding of a CSV input")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(func=_cmd_partners)
