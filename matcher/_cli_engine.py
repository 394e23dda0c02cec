"""CLI commands that score and allocate (filled in with the engine)."""


def add_commands(sub) -> None:
    return None
