"""Start the dashboard: ``python -m views.serve [streamlit options]`` (what ``make run`` does).

It is ``streamlit run app.py`` with its options, plus one thing: once the server listens, a
background thread imports what the pages need (pandas, SQLAlchemy, the package's engine and
store), while the first browser is still loading the page's scripts. Without it the first
session waits for those imports in its first script run (about 1.3 s on this project's
2-core machine; ``bench/app.py`` measures process start to the first ranking). The thread
starts only once the server is up, so that it does not delay the server itself (both hold
Python's one interpreter lock).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

#: The dashboard's main script.
APP = Path(__file__).resolve().parents[1] / "app.py"
#: What the first pages import, in the order they need it.
PRELOAD = (
    "views.session",
    "views.resources",
    "views.widgets",
    "views.places",
    "views.saving",
    "matcher.engine",
    "matcher.documents",
    "matcher.language",
)


def _server_up(timeout: float = 60.0) -> bool:
    """Wait until Streamlit's runtime has started (or ``timeout`` seconds)."""
    from streamlit.runtime import Runtime, RuntimeState

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Runtime.exists() and Runtime.instance().state not in (
            RuntimeState.INITIAL,
            RuntimeState.STOPPING,
            RuntimeState.STOPPED,
        ):
            return True
        time.sleep(0.05)
    return False


def preload(modules=PRELOAD) -> None:
    """Import ``modules`` once the server is up; a failure here is left to the page that
    imports the module (it shows the error where the user is)."""
    import importlib

    if not _server_up():
        return
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the page's own import reports it
            return


def main(argv: list[str] | None = None) -> None:
    """``streamlit run app.py *argv`` with the imports preloaded in the background."""
    threading.Thread(target=preload, name="matcher-preload", daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
