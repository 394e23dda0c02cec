"""Find partners: KA2 cooperation partnerships (KA210-VET, KA220-VET)."""

import streamlit as st

from matcher import taxonomy as tx
from matcher.labels import label
from matcher.store import lead_organisations
from views import resources, session, widgets

#: How a consortium was found, in words (``Consortium.method``).
SEARCH_WORDS = {
    "exact": "Found by trying every combination of the best-ranked partners: the best among them.",
}
GREEDY_WORDS = "Found by a fast search: at least 63% as good as the best possible among the best-ranked partners."

st.title("Find partners")
st.caption(
    "Rank partners for a KA2 cooperation partnership idea and get consortia that meet the action's rules, each explained."
)

finder = resources.partner_finder()
orgs = finder.orgs_
if orgs.empty:
    st.info(
        "The workspace has no organisations yet: an administrator of the workspace imports the organisations table."
    )
    st.stop()
user = session.require_user()
if user.role == "coordinator":
    mine = lead_organisations(user, orgs)
    if mine.empty:
        st.info(f"{widgets.plain(user.organisation)} is not in the organisations table yet.")
        st.stop()
    lead = mine["org_id"].iloc[0]
    org, country = widgets.plain(user.organisation), widgets.plain(mine["country"].iloc[0])
    st.markdown(f"Lead organisation: **{org}** ({country})")
else:
    labels = {
        r.org_id: f"{r.org_id} - {r.name} ({label(r.org_type)}, {r.country})"
        for r in orgs.itertuples()
    }
    lead = st.selectbox("Lead organisation", list(labels), format_func=labels.get, key="fp_lead")

idea = st.text_area(
    "Project idea",
    "Digital tools and simulators in vocational workshops, so that apprentices practise safely before working on real machines.",
    key="fp_idea",
)
c1, c2, c3 = st.columns(3)
action = c1.radio(
    "Action",
    ["KA220", "KA210"],
    captions=[tx.partnership_actions()[a]["label"] for a in ("KA220", "KA210")],
    key="fp_action",
)
newcomer = c2.slider("Preference for newcomers", 0.0, 0.5, 0.1, 0.05)
k = c3.slider("Partners to list", 5, 30, 10, 5)

ranked = finder.rank(lead, idea, k=k, newcomer_weight=newcomer, action=action)
widgets.show_ranking(ranked, ["rank", "org_id", "name", "country", "org_type", "past_projects"])

st.subheader(f"Suggested {action} consortia")
try:
    consortia = finder.consortia(lead, idea, action, newcomer_weight=newcomer)
except ValueError as exc:  # a lead in a third country not associated to the Programme
    st.info(widgets.plain(str(exc)))
    consortia = []
for n, c in enumerate(consortia, start=1):
    names = orgs.set_index("org_id").loc[c.members, "name"]
    title = widgets.plain(" + ".join(names))
    with st.expander(f"{n}. {title}  (score {c.score:.2f})", expanded=n == 1):
        st.markdown("\n".join(f"- {widgets.plain(r)}" for r in c.reasons))
        if c.lacks:
            st.warning("Still lacks: " + widgets.plain(", ".join(c.lacks)))
        st.caption(SEARCH_WORDS.get(c.method, GREEDY_WORDS))
