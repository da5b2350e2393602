"""Names and texts written into SQL text (DuckDB, DataFusion), quoted so that no value can end them."""


def identifier(*names: str) -> str:
    """`names` as one quoted, dotted identifier: `"schema"."table"`."""
    return ".".join('"' + name.replace('"', '""') + '"' for name in names)


def literal(text: str) -> str:
    """`text` as a quoted string literal."""
    return "'" + text.replace("'", "''") + "'"
