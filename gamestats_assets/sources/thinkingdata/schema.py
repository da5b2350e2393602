"""What a domain takes from ThinkingData lines (`LineSchema`), and how DuckDB types and checks them as it parses
them: each property typed, the reason a line breaks the line format's rules (if it does), and the hashes that tell
a repeated delivery from a conflict. Only the kept columns leave DuckDB, so a source's ids, times and numbers are
never carried as text beside their values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import polars as pl

from gamestats_assets.lib.core.nul import ESCAPED_NUL, NUL_REASON
from gamestats_assets.lib.core.sql_text import identifier, literal
from gamestats_assets.sources.thinkingdata.records import DUCKDB_TIME_FORMATS, ID_COLUMNS, RECORD_TYPES, ROOT_COLUMNS

MAX_ID_CHARS = 256
"""The longest id (account, device, event, IP) accepted; longer is a broken or hostile line."""
MAX_TEXT_CHARS = 65_536
"""The longest text value accepted in any other column."""
REASON = "_reason"
"""The column the parse gives each line that breaks a rule of the line format: why (null for a good line)."""
MARKS = ("_key", "_content")
"""The columns a parsed line carries for the removal of repeats: the hashes of its record key (null when it has no
`#uuid`: its content is its key) and of its content."""

INTEGER_TYPES: dict[type[pl.DataType], str] = {
    pl.Int8: "TINYINT", pl.Int16: "SMALLINT", pl.Int32: "INTEGER", pl.Int64: "BIGINT",
    pl.UInt8: "UTINYINT", pl.UInt16: "USMALLINT", pl.UInt32: "UINTEGER", pl.UInt64: "UBIGINT",
}
REAL_TYPES: dict[type[pl.DataType], str] = {pl.Float32: "FLOAT", pl.Float64: "DOUBLE"}
INTEGER_TEXT = "[+-]?[0-9]+"
"""An integer written out: DuckDB's cast also takes spaces, decimals, exponents, `0x` and `_`, which are not one.
Every integer is read as a 64-bit signed one first, as polars reads it, then narrowed to its type."""
NUMBER_TEXT = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?(inf|infinity|nan)"
"""A number written out (any case for the names): DuckDB's cast also takes spaces and `_`, which are not one."""
EXPECTED = {**dict.fromkeys(INTEGER_TYPES, "an integer"), **dict.fromkeys(REAL_TYPES, "a number"),
            pl.String: "a text", pl.Boolean: "true or false"}
"""What a reject says a property of each type must be: numbers written as JSON strings are taken, a value of
another kind is not."""

Rule = tuple[pl.Expr, str | pl.Expr]
"""A domain's own rule over the typed rows: (true when the row is bad, reason text or expression)."""


def _kind(dtype: pl.DataType | type[pl.DataType]) -> type[pl.DataType]:
    """The class of a polars type, given as a class or an instance."""
    return dtype if isinstance(dtype, type) else type(dtype)


def _present(column: str) -> str:
    return f"({column} IS NOT NULL AND {column} <> '')"


def _longest_allowed(name: str) -> int:
    """The most characters a value of column `name` may hold."""
    return MAX_ID_CHARS if name in ID_COLUMNS else MAX_TEXT_CHARS


@dataclass(frozen=True)
class LineSchema:
    """What a domain takes from ThinkingData lines.

    - `properties`: the typed properties, flattened into columns of the same names (text, integer, float
      and boolean properties; a value that is not of its type rejects its line);
    - `event_name`: when set, only track lines of that event belong to the source (others are rejected);
    - `record_types`: the `#type` values the source accepts;
    - `required`: columns (root keys or properties) that must hold a non-empty value;
    - `rules`: the domain's own checks, over the kept columns;
    - `raw_properties`: also keep the `properties` object as delivered, as JSON text in `properties`
      (so properties the schema does not name are kept too);
    - `keep_roots`: the root keys kept as columns (all are read and checked; the others never leave the
      parse, which keeps large sources small).
    """

    properties: Mapping[str, pl.DataType]
    event_name: str | None = None
    record_types: tuple[str, ...] = RECORD_TYPES
    required: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    raw_properties: bool = False
    keep_roots: tuple[str, ...] = ROOT_COLUMNS

    def __post_init__(self) -> None:
        nested = [name for name, dtype in self.properties.items() if _kind(dtype) not in EXPECTED]
        if nested:
            raise ValueError(f"properties {nested} are not text, integer, float or boolean")

    @property
    def read_roots(self) -> tuple[str, ...]:
        """The root keys read: those kept, those the rules and the deduplication need, and `#distinct_id`
        only when it is kept or may stand in for a missing `#account_id`."""
        needed = {*self.keep_roots, "#type", "#time", "#event_name", "#uuid", "#account_id"}
        if "#account_id" not in self.required:
            needed.add("#distinct_id")
        return tuple(root for root in ROOT_COLUMNS if root in needed)

    def json_columns(self) -> dict[str, str]:
        """The columns the JSON parse reads and their DuckDB types: every value as text, so that a value of the
        wrong type is found line by line rather than failing its file (`properties` a struct of texts, or
        the object as JSON with `raw_properties`)."""
        columns = {root: "VARCHAR" for root in self.read_roots}
        if self.raw_properties:
            columns["properties"] = "JSON"
        elif self.properties:
            fields = ", ".join(f"{identifier(name)} VARCHAR" for name in self.properties)
            columns["properties"] = f"STRUCT({fields})"
        return columns

    def content_columns(self) -> list[str]:
        """The kept columns that make a record's content, which tells a repeated delivery from a conflict: all
        but `_file` and `_record` (with `raw_properties`, the typed properties are read from the
        `properties` text and add nothing to it)."""
        typed = set(self.properties) if self.raw_properties else set()
        return [name for name in self.empty().columns if name not in ("_file", "_record", *typed)]

    def kept_texts(self) -> list[str]:
        """The kept text columns, whose values must hold no NUL and not be too long."""
        return [name for name, dtype in self.empty().schema.items() if dtype == pl.Utf8]

    def empty(self) -> pl.DataFrame:
        """The columns `read_files` returns, with no rows."""
        roots = {root: pl.Datetime("ms") if root == "#time" else pl.Utf8() for root in ROOT_COLUMNS
                 if root in self.keep_roots}
        raw = {"properties": pl.Utf8()} if self.raw_properties else {}
        return pl.DataFrame(schema={"_file": pl.Categorical, "_record": pl.Int64, **roots, **raw,
                                    **self.properties})

    def projections(self, day: date | None) -> list[str]:
        """The projections, one over the other, that turn the JSON parse's columns (`json_columns`) into the kept
        columns in the order of `empty` (less `_file` and `_record`), `REASON` and `MARKS`; with `day`, a line
        whose `#time` falls on another day breaks a rule."""
        formats = ", ".join(literal(time_format) for time_format in DUCKDB_TIME_FORMATS)
        source = "properties"
        steps = []
        if self.raw_properties and self.properties:
            texts = literal(json.dumps({name: "VARCHAR" for name in self.properties}))
            steps.append(f"* REPLACE (CAST(properties AS VARCHAR) AS properties), json_transform(properties, {texts}) "
                         "AS _typed")
            source = "_typed"
        elif self.raw_properties:
            steps.append("* REPLACE (CAST(properties AS VARCHAR) AS properties)")
        parsed = [identifier(root) for root in self.read_roots]
        parsed.append(f'try_strptime("#time", [{formats}]) AS _time')
        if self.raw_properties:
            parsed.append("properties")
        for name, dtype in self.properties.items():
            parsed.append(f"{source}.{identifier(name)} AS {identifier('_text:' + name)}")
            kind, field = _kind(dtype), f"{source}.{identifier(name)}"
            if kind in INTEGER_TYPES:
                whole = f"TRY_CAST({field} AS BIGINT)"
                narrowed = whole if kind is pl.Int64 else f"TRY_CAST({whole} AS {INTEGER_TYPES[kind]})"
                parsed.append(f"{narrowed} AS {identifier('_cast:' + name)}")
            elif kind in REAL_TYPES:
                parsed.append(f"TRY_CAST({field} AS {REAL_TYPES[kind]}) AS {identifier('_cast:' + name)}")
        steps.append(", ".join(parsed))
        typed = [identifier(root) for root in self.read_roots if root != "#time"]
        typed += ['"#time" AS _time_text', "CAST(_time AS TIMESTAMP_MS) AS _time"]
        if self.raw_properties:
            typed.append("properties")
        for name, dtype in self.properties.items():
            typed += [f"{self._typed(name, dtype)} AS {identifier(name)}", identifier("_text:" + name)]
        steps.append(", ".join(typed))
        stored = {"#time": "_time"}
        content = ", ".join(stored.get(name, identifier(name)) for name in self.content_columns())
        kept = [f"{stored.get(name, identifier(name))} AS {identifier(name)}" for name in self.empty().columns[2:]]
        steps.append(", ".join([
            *kept, f"{self._reason(day)} AS {REASON}",
            'CASE WHEN "#uuid" IS NOT NULL THEN hash("#type", "#event_name", "#uuid") END AS _key',
            f"hash({content or 'NULL'}) AS _content",
        ]))
        return steps

    def _typed(self, name: str, dtype: pl.DataType) -> str:
        """The SQL of property `name` typed from its text (`_text:<name>`) and, for a number, DuckDB's cast of it
        (`_cast:<name>`): null when the text is not of `dtype` (what polars' own parse of the text would take).
        An integer's cast is taken at once when it prints back as the text, which most do."""
        text, cast = identifier("_text:" + name), identifier("_cast:" + name)
        kind = _kind(dtype)
        if kind in INTEGER_TYPES:
            return (f"CASE WHEN CAST({cast} AS VARCHAR) = {text} OR regexp_full_match({text}, {literal(INTEGER_TEXT)}) "
                    f"THEN {cast} END")
        if kind in REAL_TYPES:
            return f"CASE WHEN regexp_full_match({text}, {literal(NUMBER_TEXT)}, 'i') THEN {cast} END"
        if kind is pl.Boolean:
            return f"CASE {text} WHEN 'true' THEN true WHEN 'false' THEN false END"
        return text

    def _reason(self, day: date | None) -> str:
        """The SQL of why a line is rejected, null when it is not: the first rule of the line format it breaks
        (record type, who, time, event name, day, property types, NUL characters, lengths, required columns).
        The record types are compared one by one: DuckDB plans a long `IN` list (or `list_contains`) as a join,
        which does not keep the lines' order."""
        known = " OR ".join(f'"#type" = {literal(record_type)}' for record_type in self.record_types)
        expected = literal(", expected one of " + ", ".join(self.record_types))
        rules = [(f'"#type" IS NULL OR NOT ({known})',
                  f"'''#type'' is ' || coalesce(\"#type\", 'missing') || {expected}")]
        if "#distinct_id" in self.read_roots:
            rules.append((f"NOT ({_present(identifier('#account_id'))} OR {_present(identifier('#distinct_id'))})",
                          literal("needs a non-empty '#account_id' or '#distinct_id'")))
        rules += [
            ("_time IS NULL", f"'''#time'' is ' || coalesce(_time_text, 'missing') || "
                              f"{literal(', expected ' + repr('yyyy-MM-dd HH:mm:ss.SSS'))}"),
            (f"\"#type\" = 'track' AND NOT {_present(identifier('#event_name'))}",
             literal("a track record needs a non-empty '#event_name'")),
        ]
        if self.event_name is not None:
            rules.append((f'"#event_name" IS DISTINCT FROM {literal(self.event_name)}',
                          literal(f"#event_name is not {self.event_name}")))
        if day is not None:
            rules.append((f"CAST(_time AS DATE) <> DATE '{day.isoformat()}'",
                          literal(f"#time not on partition day {day}")))
        for name, dtype in self.properties.items():
            if _kind(dtype) is not pl.String:
                text = identifier("_text:" + name)
                expected = literal(", expected " + EXPECTED[_kind(dtype)])
                rules.append((f"{text} IS NOT NULL AND {identifier(name)} IS NULL",
                              f"{literal(name + ' is ')} || {text} || {expected}"))
        texts = self.kept_texts()
        rules += [(f"contains({identifier(name)}, chr(0))", literal(f"{name} {NUL_REASON}")) for name in texts]
        if self.raw_properties:
            rules.append((f"contains(properties, '\\u0000') AND regexp_matches(properties, {literal(ESCAPED_NUL)})",
                          literal(f"properties {NUL_REASON}")))
        rules += [(f"strlen({identifier(name)}) > {_longest_allowed(name)} AND length({identifier(name)}) > "
                   f"{_longest_allowed(name)}", literal(f"{name} is longer than {_longest_allowed(name)} characters"))
                  for name in texts]
        for name in self.required:
            is_text = name != "#time" and _kind(self.properties.get(name, pl.String)) is pl.String
            column = "_time" if name == "#time" else identifier(name)
            rules.append((f"NOT {_present(column)}" if is_text else f"{column} IS NULL", literal(f"missing {name}")))
        return "CASE " + " ".join(f"WHEN {condition} THEN {reason}" for condition, reason in rules) + " END"
