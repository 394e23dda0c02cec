"""``python -m matcher.cli``: the same as the ``matcher`` command."""

from . import main

raise SystemExit(main())
