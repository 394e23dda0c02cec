"""Screenshots of every dashboard page for the README (headless Chromium).

Run: ``python scripts/screenshots.py`` (writes docs/screenshots/*.png).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from app_driver import browser_page, running_app, wait_for_ranking  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with running_app() as url, browser_page(1400, 1500) as page:
        page.goto(url)
        wait_for_ranking(page)
        page.wait_for_timeout(1500)
        page.screenshot(path=str(OUT / "find_hosts.png"))
        for path, name, ready in [
            ("/candidates", "candidates", "[data-testid='stDataFrame']"),
            ("/insights", "insights", "[data-testid='stVegaLiteChart']"),
            ("/data", "data", "[data-testid='stFileUploader']"),
        ]:
            page.goto(url + path)
            page.locator(ready).first.wait_for(timeout=120_000)
            page.wait_for_timeout(2500)
            page.screenshot(path=str(OUT / f"{name}.png"))
        page.goto(url + "/allocate")
        page.get_by_role("button", name="Run allocation").click()
        page.get_by_text("Placed").first.wait_for(timeout=120_000)
        page.get_by_role("tab", name="Host fill rates").click()
        page.wait_for_timeout(2500)
        page.screenshot(path=str(OUT / "allocate.png"))
    print(f"screenshots in {OUT}")


if __name__ == "__main__":
    main()
