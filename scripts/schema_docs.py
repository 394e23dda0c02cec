"""Print the data contract (participants and hosts columns) as Markdown tables.

Used to write data/README.md and the README; run ``python scripts/schema_docs.py``.
"""

from matcher.io import HOSTS, PARTICIPANTS


def table(schema) -> str:
    lines = [
        f"**{schema.name}** (id column `{schema.id_column}`)",
        "",
        "| column | required | type | meaning | example |",
        "|---|---|---|---|---|",
    ]
    for c in schema.columns:
        req = "yes" if c.required else "no"
        kind = c.kind + (f" ({'/'.join(c.choices)})" if c.choices and c.kind == "enum" else "")
        lines.append(f"| `{c.name}` | {req} | {kind} | {c.doc} | `{c.example}` |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(PARTICIPANTS))
    print()
    print(table(HOSTS))
