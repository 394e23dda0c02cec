"""Screenshots of every dashboard page for the README (headless Chromium).

Run: ``python scripts/screenshots.py`` (writes docs/screenshots/*.png).
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from app_driver import (  # noqa: E402
    browser_page,
    login,
    pick,
    running_app,
    settle,
    tick_row,
    wait_for_ranking,
)

OUT = ROOT / "docs" / "screenshots"


def typed_profile(page) -> None:
    """A profile typed in German: the language read, and hosts of the trade first."""
    page.get_by_text("New profile").click()
    page.get_by_label("Occupation or programme").fill("Koch")
    page.get_by_label("Goals, skills, interests").fill(
        "Ich mache eine Ausbildung zum Koch im zweiten Lehrjahr und möchte Erfahrung in einer "
        "Restaurantküche sammeln."
    )
    page.get_by_label("Languages (code:level; ...)").fill("de:native; en:B1")
    page.get_by_role("button", name="Find hosts").click()
    page.get_by_text("read as German").wait_for(timeout=120_000)
    page.get_by_text("Top match").first.wait_for(timeout=120_000)
    page.wait_for_timeout(2000)
    page.screenshot(path=str(OUT / "find_hosts_typed.png"))
    page.get_by_text("From the dataset").click()
    page.wait_for_timeout(1500)


def import_preview(page, url) -> None:
    """A coordinator uploads the whole sample (other schools' rows and the hosts file): the
    Data page says what importing would add and what it leaves out, and why."""
    page.get_by_role("button", name="Sign out").click()
    login(page, url, "demo-coordinator")
    wait_for_ranking(page)
    page.get_by_role("link", name="Data").click()
    page.get_by_role("heading", name="Data").wait_for(timeout=120_000)
    sample = ROOT / "data" / "sample"
    inputs = page.locator("input[type='file']")
    inputs.nth(0).set_input_files(str(sample / "participants.csv"))
    inputs.nth(1).set_input_files(str(sample / "hosts.csv"))
    page.wait_for_timeout(1500)
    page.get_by_role("button", name="Validate and use").click()
    page.get_by_text("Importing this upload would").wait_for(timeout=120_000)
    page.get_by_text(re.compile(r"^Rows left out")).click()
    page.wait_for_timeout(1500)
    page.get_by_text("Importing this upload would").scroll_into_view_if_needed()
    page.screenshot(path=str(OUT / "import.png"))


def session_and_save(page) -> None:
    """A reload keeps the session; a typed profile can be saved as a participant."""
    page.reload()
    page.get_by_role("heading", name="Data").wait_for(timeout=120_000)
    page.get_by_role("link", name="Find hosts").click()
    wait_for_ranking(page)
    page.get_by_text("New profile").click()
    page.get_by_role("button", name="Find hosts").click()
    page.get_by_text("Save this profile as a participant").click()
    page.get_by_text("Top match").first.wait_for(timeout=120_000)
    page.wait_for_timeout(1500)
    page.get_by_text("Save this profile as a participant").scroll_into_view_if_needed()
    page.screenshot(path=str(OUT / "save_profile.png"))


def act_on_ranking(page) -> None:
    """Two hosts ticked in the ranking and shortlisted, with a note."""
    tick_row(page, 0)
    tick_row(page, 1)
    page.get_by_role("textbox", name="Note for the ticked hosts").fill("both near the sea")
    page.get_by_role("button", name="Shortlist", exact=True).click()
    page.get_by_text("Shortlisted for").wait_for(timeout=60_000)
    settle(page)
    page.screenshot(path=str(OUT / "find_hosts_shortlist.png"))


def accepted_placement(page, db: str) -> None:
    """The top host proposed for P0001 and accepted (through the workspace, as the host
    would), then the Decisions page with the draft learning agreement."""
    from matcher.store import Workspace

    ws = Workspace(db)
    admin = ws.admin_context()
    top = ws.states(admin)
    hid = top.loc[top["participant_id"] == "P0001", "host_id"].iloc[0]
    ws.record(admin, "P0001", hid, "propose", "strong sector fit")
    ws.record(admin, "P0001", hid, "accept")
    ws.engine.dispose()
    page.get_by_role("link", name="Decisions").click()
    page.get_by_role("heading", name="Decisions").wait_for(timeout=120_000)
    pick(page, 0, "P0001")
    page.get_by_text("Now: accepted").wait_for(timeout=60_000)
    settle(page)
    page.screenshot(path=str(OUT / "decisions.png"))


def host_side(page, url: str, db: str) -> None:
    """The demo host marks interest in a candidate, who is then proposed to it: the
    proposal opens the candidate's pseudonymised profile."""
    from matcher.store import Workspace

    page.get_by_role("button", name="Sign out").click()
    login(page, url, "demo-host")
    page.get_by_role("heading", name="Browse candidates").wait_for(timeout=120_000)
    settle(page)
    page.get_by_role("textbox", name="Note to the sending school").fill("a place in May")
    page.get_by_role("button", name="Mark interest").click()
    page.get_by_text("Interest marked in").wait_for(timeout=60_000)
    settle(page)
    page.screenshot(path=str(OUT / "candidates.png"))
    ws = Workspace(db)
    admin = ws.admin_context()
    marks = ws.interests(admin)
    ws.record(admin, marks["participant_id"].iloc[0], marks["host_id"].iloc[0], "propose")
    ws.engine.dispose()
    page.get_by_role("link", name="Decisions").click()
    page.get_by_text("The candidate's profile").wait_for(timeout=120_000)
    settle(page)
    page.screenshot(path=str(OUT / "decisions_host.png"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    import tempfile

    ws_dir = tempfile.mkdtemp(prefix="matcher-shots-")  # a fresh sample workspace
    with running_app({"MATCHER_WORKSPACE_DIR": ws_dir}) as url, browser_page(1400, 1500) as page:
        page.goto(url)
        page.get_by_label("User name").wait_for(timeout=120_000)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "login.png"))
        login(page, url)
        wait_for_ranking(page)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "find_hosts.png"))
        typed_profile(page)
        act_on_ranking(page)
        for title, name, ready in [
            ("Insights", "insights", "[data-testid='stDataFrame']"),
            ("Data", "data", "[data-testid='stFileUploader']"),
            ("Find partners (KA2)", "partners", "[data-testid='stExpander']"),
        ]:
            page.get_by_role("link", name=title).click()
            page.get_by_role("heading", name=title.split(" (")[0]).wait_for(timeout=120_000)
            page.locator(ready).first.wait_for(timeout=120_000)
            page.wait_for_timeout(2500)
            page.screenshot(path=str(OUT / f"{name}.png"))
        page.get_by_role("link", name="Allocate a cohort").click()
        page.get_by_role("button", name="Run allocation").click()
        page.get_by_text("Placed").first.wait_for(timeout=120_000)
        page.get_by_role("tab", name="Host fill rates").click()
        page.wait_for_timeout(2500)
        page.screenshot(path=str(OUT / "allocate.png"))
        db = f"sqlite:///{Path(ws_dir) / 'sample-workspace.db'}"
        accepted_placement(page, db)
        host_side(page, url, db)
        import_preview(page, url)
        session_and_save(page)
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
