"""Write the notebooks in notebooks/ (outputs stripped). Run: ``python scripts/make_notebooks.py``.

CI executes them (pytest --nbmake), so they cannot rot.
"""

from pathlib import Path

import nbformat as nbf

OUT = Path(__file__).resolve().parents[1] / "notebooks"

SETUP = """import warnings
warnings.simplefilter("ignore")
import pandas as pd
pd.set_option("display.max_colwidth", 120)
from matcher import Matcher, allocate, load_hosts, load_participants
from matcher.taxonomy import sample_dir
participants = load_participants(sample_dir() / "participants.csv")
hosts = load_hosts(sample_dir() / "hosts.csv")
m = Matcher().fit(participants, hosts)   # encodes new texts only; the cache serves the rest
len(participants), len(hosts)"""

NOTEBOOKS = {
    "01_quickstart.ipynb": [
        (
            "md",
            "# Quickstart\nLoad the bundled sample, rank hosts for a participant, explain a score, and look from the host's side.",
        ),
        ("code", SETUP),
        (
            "md",
            "## Hosts for a participant\nEvery result carries per-criterion components and short reasons.",
        ),
        (
            "code",
            'ranked = m.recommend_hosts("P0001", k=5)\nranked[["rank", "host_id", "name", "country", "sector", "score"]]',
        ),
        ("code", 'ranked["reasons"].iloc[0]'),
        ("md", "## Why this host, and why not that one"),
        ("code", 'print(m.explain("P0001", ranked["host_id"].iloc[0]))'),
        (
            "code",
            '_, mask = m.score_matrix(["P0001"])\nexcluded = m.hosts_["host_id"][~mask[0]].iloc[0]\nprint(m.explain("P0001", excluded))',
        ),
        (
            "md",
            "## The host's side\nOnly consenting candidates, under a pseudonym, without special-category data. The score is the same number.",
        ),
        (
            "code",
            'cands = m.recommend_participants(ranked["host_id"].iloc[0], k=5)\ncands[["rank", "candidate", "occupation", "home_country", "languages", "score"]]',
        ),
        ("md", "## All pairs at once"),
        (
            "code",
            "scores, mask = m.score_matrix()\nprint(scores.shape, f'{mask.mean():.0%} of pairs feasible')",
        ),
        (
            "code",
            "from matcher import insights, plots\nplots.score_distribution(insights.best_matches(m))",
        ),
    ],
    "02_cohort_allocation.ipynb": [
        (
            "md",
            "# Cohort allocation\nOptimal (most placed, then highest total score) against stable (no participant and host would both rather switch), with and without the inclusion priority.",
        ),
        ("code", SETUP),
        (
            "code",
            'runs = {}\nfor method in ("optimal", "stable"):\n    for priority in (None, "fewer_opportunities"):\n        runs[(method, priority or "none")] = allocate(m, method, priority=priority)\npd.DataFrame({k: v.summary for k, v in runs.items()}).T[["placed", "placed_pct", "mean_score", "total_score", "fewer_opportunities_placed_pct", "blocking_pairs"]]',
        ),
        ("md", "Everyone is either assigned or told why not:"),
        (
            "code",
            'result = runs[("stable", "fewer_opportunities")]\nresult.assignments[result.assignments["status"] == "unassigned"][["participant_id", "reason"]].head()',
        ),
        ("code", "from matcher import plots\nplots.fill_rate_chart(result.hosts)"),
        (
            "code",
            'import tempfile, pathlib\npath = result.export(pathlib.Path(tempfile.mkdtemp()) / "cohort.xlsx")\npath.name, path.stat().st_size > 0',
        ),
    ],
    "03_evaluation_fairness.ipynb": [
        (
            "md",
            "# Evaluation and fairness\nRanking metrics against recorded outcomes (here a synthetic history), by group; exposure of participants with fewer opportunities in the hosts' top lists, and a re-ranking that guarantees a minimum share, with its cost.",
        ),
        ("code", SETUP),
        (
            "code",
            "from matcher import evaluate, fairness, learning, plots\nhistory = learning.synthetic_history(m, 1500, seed=1)\nrelevance = evaluate.relevance_from_history(history)\nevaluate.evaluate_rankings(m, relevance, k=10)",
        ),
        ("code", 'evaluate.evaluate_rankings(m, relevance, k=10, by="role")'),
        ("code", 'evaluate.evaluate_rankings(m, relevance, k=10, by="field")'),
        ("md", "## Exposure in the hosts' top-10 lists"),
        ("code", "base, cost0 = fairness.exposure(m, k=10)\nbase"),
        ("code", 'plots.exposure_chart(base, "fewer_opportunities")'),
        (
            "md",
            "At least 30% of every list for participants with fewer opportunities, where enough are feasible; the cost is the drop in the lists' mean score.",
        ),
        ("code", "fair, cost = fairness.exposure(m, k=10, min_share=0.3)\nfair, cost"),
        ("code", 'plots.exposure_chart(fair, "fewer_opportunities")'),
        ("md", "## Placement by group in an allocation"),
        ("code", 'fairness.allocation_exposure(allocate(m, "optimal"), m)'),
    ],
    "04_learning_weights.ipynb": [
        (
            "md",
            "# Learning the weights from outcomes\nA synthetic history in which hosts care most about language (`matcher.learning.HIDDEN_PREFERENCE`). A logistic regression over the per-criterion components recovers it and beats the hand weights on held-out participants.",
        ),
        ("code", SETUP),
        ("code", "from matcher import Config, learning\nlearning.HIDDEN_PREFERENCE"),
        (
            "code",
            "history = learning.synthetic_history(m, 2000, seed=3)\nX, y, groups = learning.training_set(m, history)\nX.shape, y.mean()",
        ),
        ("code", "learning.compare_with_hand_weights(X, y, groups, m.weights_)"),
        (
            "code",
            "scorer = learning.fit_scorer(X, y)\npd.DataFrame({'learned': scorer.weights(), 'hand': {k: m.weights_[k] for k in scorer.weights()}})",
        ),
        ("md", "The learned model scores every pair; explanations still show the components."),
        (
            "code",
            'learned = Matcher(Config.from_env(scorer="learned"), scorer=scorer).fit(participants, hosts)\nlearned.recommend_hosts("P0001", k=5)[["rank", "host_id", "score", "components"]]',
        ),
    ],
    "05_partner_search.ipynb": [
        (
            "md",
            "# KA2 partner search\nA VET school with an idea for a cooperation partnership: rank partners (thematic fit, complementarity, country, common language, newcomers) and get consortia that meet the KA220 rule of at least 3 organisations from 3 countries.",
        ),
        (
            "code",
            "import warnings\nwarnings.simplefilter('ignore')\nimport pandas as pd\nfrom matcher.io import load_organisations\nfrom matcher.partners import PartnerFinder\nfrom matcher.taxonomy import sample_dir\norgs = load_organisations(sample_dir() / 'organisations.csv')\nfinder = PartnerFinder().fit(orgs)\norgs['org_type'].value_counts()",
        ),
        (
            "code",
            "lead = 'O0001'\nidea = 'Digital tools and simulators in vocational workshops, so that apprentices practise safely before working on real machines.'\norgs.set_index('org_id').loc[lead, ['name', 'country', 'org_type', 'languages']]",
        ),
        (
            "code",
            "ranked = finder.rank(lead, idea, k=8)\nranked[['rank', 'org_id', 'name', 'country', 'org_type', 'past_projects', 'score']]",
        ),
        ("code", "ranked['reasons'].iloc[0]"),
        ("md", "Consortia: exact search over the best candidates; each with what it still lacks."),
        (
            "code",
            "for c in finder.consortia(lead, idea, 'KA220', n=3):\n    print(' + '.join(orgs.set_index('org_id').loc[c.members, 'name']), f'score {c.score:.2f}')\n    print('   ', '; '.join(c.reasons))\n    print('    lacks:', ', '.join(c.lacks) or 'nothing')",
        ),
        ("md", "A stronger preference for newcomers changes the ranking:"),
        (
            "code",
            "finder.rank(lead, idea, k=8, newcomer_weight=0.4)[['rank', 'org_id', 'org_type', 'past_projects', 'score']]",
        ),
    ],
}


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = nbf.v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nb.cells = [
            nbf.v4.new_markdown_cell(src) if kind == "md" else nbf.v4.new_code_cell(src)
            for kind, src in cells
        ]
        nbf.write(nb, OUT / name)
    print(f"wrote {len(NOTEBOOKS)} notebooks to {OUT}")


if __name__ == "__main__":
    main()
