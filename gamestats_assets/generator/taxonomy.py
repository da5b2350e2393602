"""Event taxonomies: the events a product logs and the properties they carry, read from XLSX or CSV.

A taxonomy has two tables. `events`: event_name, event_tag, description, properties (comma-separated
property names). `properties`: name, type (string, number, boolean, datetime), description, constraint
(`1-150` for a numeric range, `KR,JP,US` for a list of allowed values, empty for none).
It comes as an XLSX workbook with sheets `events` and `properties`, or as a pair of CSV files
`<name>_events.csv` and `<name>_properties.csv` (pass the `_events.csv`).

Two tables may follow (sheets, or `<name>_user_properties.csv` and `<name>_segments.csv`): `user_properties`, with
the columns of `properties`, declares the user's properties (sent with `user_set`; without it the analyzer infers
them), and `segments` the taxonomy's own user segments (`generator/segments.py`).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from gamestats_assets.generator.segments import SEGMENT_COLUMNS, SegmentSpec, check_shares, segment_spec

PROPERTY_TYPES = ("string", "number", "boolean", "datetime")
EVENT_COLUMNS = ("event_name", "event_tag", "description", "properties")
PROPERTY_COLUMNS = ("name", "type", "description", "constraint")
_RANGE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*-\s*(-?\d+(?:\.\d+)?)\s*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TaxonomyError(ValueError):
    """A taxonomy file that cannot be used; the message names file, sheet, row and problem."""


@dataclass(frozen=True)
class Constraint:
    """Allowed values of a property: a numeric range [low, high] or a list of choices (or neither)."""

    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def is_range(self) -> bool:
        return self.low is not None

    @property
    def integer(self) -> bool:
        """Whether a range's bounds are whole numbers, so its values should be too."""
        return self.is_range and float(self.low).is_integer() and float(self.high).is_integer()

    def text(self) -> str:
        """The constraint as written in a taxonomy file."""
        if self.is_range:
            return f"{_number_text(self.low)}-{_number_text(self.high)}"
        return ",".join(self.choices)


@dataclass(frozen=True)
class PropertySpec:
    """One property of the taxonomy."""

    name: str
    type: str
    description: str
    constraint: Constraint


@dataclass(frozen=True)
class EventSpec:
    """One event of the taxonomy and the properties it carries, in taxonomy order."""

    name: str
    tag: str
    description: str
    properties: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    """A product's event taxonomy: events and properties in file order, and where it was read from."""

    name: str
    events: tuple[EventSpec, ...]
    properties: tuple[PropertySpec, ...]
    user_scope: frozenset[str] | None = None
    segments: tuple[SegmentSpec, ...] = ()

    def event_spec(self, name: str) -> EventSpec:
        return next(event for event in self.events if event.name == name)

    def property_spec(self, name: str) -> PropertySpec:
        return next(spec for spec in self.properties if spec.name == name)

    @property
    def event_property_names(self) -> frozenset[str]:
        """Properties carried by at least one event."""
        return frozenset(name for event in self.events for name in event.properties)

    def fingerprint(self) -> str:
        """A stable hash of the taxonomy's content (not its file name), for caches."""
        content = {
            "events": [[e.name, e.tag, e.description, list(e.properties)] for e in self.events],
            "properties": [[p.name, p.type, p.description, p.constraint.text()] for p in self.properties],
        }
        if self.user_scope is not None:
            content["user_properties"] = sorted(self.user_scope)
        if self.segments:
            content["segments"] = [[str(value) for value in vars(spec).values()] for spec in self.segments]
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def parse_constraint(text: str, property_type: str) -> Constraint:
    """The Constraint written as `text` for a property of `property_type`; ValueError says why not."""
    text = (text or "").strip()
    if not text:
        return Constraint()
    if property_type in ("boolean", "datetime"):
        raise ValueError(f"a {property_type} property takes no constraint, got {text!r}")
    match = _RANGE.match(text)
    if match and property_type == "number":
        low, high = float(match.group(1)), float(match.group(2))
        if low > high:
            raise ValueError(f"range {text!r} has its low bound above its high bound")
        return Constraint(low=low, high=high)
    choices = tuple(choice.strip() for choice in text.split(","))
    if any(not choice for choice in choices):
        raise ValueError(f"constraint {text!r} has an empty choice")
    if len(set(choices)) != len(choices):
        raise ValueError(f"constraint {text!r} repeats a choice")
    if property_type == "number":
        try:
            [float(choice) for choice in choices]
        except ValueError:
            raise ValueError(f"constraint {text!r} is neither a range 'low-high' nor a list of numbers") from None
    return Constraint(choices=choices)


def _rows_from_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def _rows_from_sheet(path: Path, sheet: str, optional: bool = False) -> list[dict[str, str]] | None:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        if sheet not in workbook.sheetnames:
            if optional:
                return None
            raise TaxonomyError(f"{path}: no sheet named {sheet!r} (found {workbook.sheetnames})")
        rows = list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows:
        return []
    header = [str(cell).strip() if cell is not None else "" for cell in rows[0]]
    return [
        {column: "" if cell is None else str(cell) for column, cell in zip(header, row)}
        for row in rows[1:]
    ]


def _check_columns(rows: list[dict[str, str]], required: tuple[str, ...], where: str) -> None:
    if not rows:
        raise TaxonomyError(f"{where}: no rows")
    missing = [column for column in required if column not in rows[0]]
    if missing:
        raise TaxonomyError(f"{where}: missing columns {missing}")


def _read_properties(rows: list[dict[str, str]], where: str) -> tuple[PropertySpec, ...]:
    _check_columns(rows, PROPERTY_COLUMNS, where)
    specs: dict[str, PropertySpec] = {}
    for row_number, row in enumerate(rows, start=2):
        if not any((value or "").strip() for value in row.values()):
            continue
        place = f"{where}, row {row_number}"
        name = (row["name"] or "").strip()
        if not _NAME.match(name):
            raise TaxonomyError(f"{place}: property name {name!r} is not an identifier")
        if name in specs:
            raise TaxonomyError(f"{place}: property {name!r} is defined twice")
        property_type = (row["type"] or "").strip().lower()
        if property_type not in PROPERTY_TYPES:
            raise TaxonomyError(
                f"{place}: property {name!r} has unknown type {property_type!r} "
                f"(expected one of {', '.join(PROPERTY_TYPES)})"
            )
        try:
            constraint = parse_constraint(row["constraint"], property_type)
        except ValueError as error:
            raise TaxonomyError(f"{place}: property {name!r} has a bad constraint: {error}") from None
        specs[name] = PropertySpec(name, property_type, (row["description"] or "").strip(), constraint)
    return tuple(specs.values())


def _read_events(rows: list[dict[str, str]], where: str, known: set[str]) -> tuple[EventSpec, ...]:
    _check_columns(rows, EVENT_COLUMNS, where)
    events: dict[str, EventSpec] = {}
    for row_number, row in enumerate(rows, start=2):
        if not any((value or "").strip() for value in row.values()):
            continue
        place = f"{where}, row {row_number}"
        name = (row["event_name"] or "").strip()
        if not _NAME.match(name):
            raise TaxonomyError(f"{place}: event name {name!r} is not an identifier")
        if name in events:
            raise TaxonomyError(f"{place}: event {name!r} is defined twice")
        properties = tuple(p.strip() for p in (row["properties"] or "").split(",") if p.strip())
        unknown = [p for p in properties if p not in known]
        if unknown:
            raise TaxonomyError(f"{place}: event {name!r} references unknown properties {unknown}")
        events[name] = EventSpec(
            name, (row["event_tag"] or "").strip().lower(), (row["description"] or "").strip(), properties
        )
    return tuple(events.values())


def _read_segments(rows: list[dict[str, str]], where: str) -> tuple[SegmentSpec, ...]:
    _check_columns(rows, SEGMENT_COLUMNS, where)
    specs: dict[str, SegmentSpec] = {}
    for row_number, row in enumerate(rows, start=2):
        if not any((value or "").strip() for value in row.values()):
            continue
        try:
            spec = segment_spec(row)
        except ValueError as error:
            raise TaxonomyError(f"{where}, row {row_number}: {error}") from None
        if spec.name in specs:
            raise TaxonomyError(f"{where}, row {row_number}: segment {spec.name!r} is defined twice")
        specs[spec.name] = spec
    try:
        check_shares(tuple(specs.values()))
    except ValueError as error:
        raise TaxonomyError(f"{where}: {error}") from None
    return tuple(specs.values())


def _optional_tables(path: Path, name: str) -> dict[str, tuple[list[dict[str, str]] | None, str]]:
    """The rows and place of the optional tables `user_properties` and `segments` (rows `None` when absent)."""
    tables = {}
    for table in ("user_properties", "segments"):
        if path.suffix.lower() == ".xlsx":
            tables[table] = (_rows_from_sheet(path, table, optional=True), f"{path}, sheet {table!r}")
        else:
            csv_path = path.with_name(f"{name}_{table}.csv")
            tables[table] = (_rows_from_csv(csv_path) if csv_path.exists() else None, str(csv_path))
    return tables


def read_taxonomy(path: str | Path) -> Taxonomy:
    """The Taxonomy in an XLSX workbook or in the CSV pair whose `_events.csv` is `path` (with its optional
    `user_properties` and `segments` tables)."""
    path = Path(path)
    if not path.exists():
        raise TaxonomyError(f"{path}: no such file")
    if path.suffix.lower() == ".xlsx":
        name = path.stem
        property_rows = _rows_from_sheet(path, "properties")
        event_rows = _rows_from_sheet(path, "events")
        property_place, event_place = f"{path}, sheet 'properties'", f"{path}, sheet 'events'"
    elif path.name.endswith("_events.csv"):
        name = path.name.removesuffix("_events.csv")
        properties_path = path.with_name(f"{name}_properties.csv")
        if not properties_path.exists():
            raise TaxonomyError(f"{path}: its properties file {properties_path.name} is missing")
        property_rows, event_rows = _rows_from_csv(properties_path), _rows_from_csv(path)
        property_place, event_place = str(properties_path), str(path)
    else:
        raise TaxonomyError(f"{path}: expected an .xlsx workbook or a '<name>_events.csv' file")
    properties = _read_properties(property_rows, property_place)
    optional = _optional_tables(path, name)
    user_rows, user_place = optional["user_properties"]
    user_scope = None
    if user_rows is not None:
        user_specs = _read_properties(user_rows, user_place)
        both = sorted({spec.name for spec in user_specs} & {spec.name for spec in properties})
        if both:
            raise TaxonomyError(f"{user_place}: {both} also defined in the properties table; define each once")
        properties, user_scope = properties + user_specs, frozenset(spec.name for spec in user_specs)
    segment_rows, segment_place = optional["segments"]
    segments = _read_segments(segment_rows, segment_place) if segment_rows is not None else ()
    events = _read_events(event_rows, event_place, {spec.name for spec in properties})
    return Taxonomy(name=name, events=events, properties=properties, user_scope=user_scope, segments=segments)


def _event_row(event: EventSpec) -> list[str]:
    return [event.name, event.tag, event.description, ",".join(event.properties)]


def _property_row(spec: PropertySpec) -> list[str]:
    return [spec.name, spec.type, spec.description, spec.constraint.text()]


def _segment_row(spec: SegmentSpec) -> list[str]:
    return [spec.name, spec.based_on.value, _number_text(spec.share), *(
        "" if value is None else _number_text(value)
        for value in (spec.daily_activity, spec.sessions_per_day, spec.events_per_session, spec.payer_share)
    ), spec.description]


def write_taxonomy_csv(taxonomy: Taxonomy, directory: str | Path) -> Path:
    """Writes `<name>_events.csv` and `<name>_properties.csv` (and its `user_properties` and `segments` tables
    where it has them); returns the events file's path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    user_scope = taxonomy.user_scope or frozenset()
    tables = {
        "events": (EVENT_COLUMNS, [_event_row(e) for e in taxonomy.events]),
        "properties": (PROPERTY_COLUMNS, [_property_row(p) for p in taxonomy.properties if p.name not in user_scope]),
    }
    if taxonomy.user_scope is not None:
        tables["user_properties"] = (PROPERTY_COLUMNS,
                                     [_property_row(p) for p in taxonomy.properties if p.name in user_scope])
    if taxonomy.segments:
        columns = (*SEGMENT_COLUMNS, "daily_activity", "sessions_per_day", "events_per_session", "payer_share",
                   "description")
        tables["segments"] = (columns, [_segment_row(spec) for spec in taxonomy.segments])
    for table, (header, rows) in tables.items():
        with (directory / f"{taxonomy.name}_{table}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    return directory / f"{taxonomy.name}_events.csv"
