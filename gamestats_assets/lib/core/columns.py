"""A table's columns as its declaration states them: name → `Column` (its PostgreSQL type, whether it may be null,
what it holds). One statement serves the lake (a write must conform, `conformance_errors`), the catalog (Dagster's
`dagster/column_schema`, the UI's Columns tab: `table_schema`) and PostgreSQL (the generated DDL)."""

from collections.abc import Mapping
from dataclasses import dataclass, replace

import dagster as dg
import polars as pl

COLUMN_SCHEMA = "dagster/column_schema"


@dataclass(frozen=True)
class Column:
    """A column of type `type` (PostgreSQL's spelling, as the DDL writes it), `NOT NULL` when `not_null` (a key
    column is, without saying so), in collation `collation` when not the database's, with `default` (an SQL
    expression) where a row gives no value."""

    type: str
    not_null: bool = False
    description: str = ""
    collation: str | None = None
    default: str | None = None

    @property
    def required(self) -> "Column":
        """The column, never null."""
        return replace(self, not_null=True)

    def __call__(self, description: str) -> "Column":
        """The column, described."""
        return replace(self, description=description)

    def defaulting(self, expression: str) -> "Column":
        """The column, `expression` (SQL: `'all'`) where a row gives none: also the value the rows a table already
        holds take when the column is added to it, which a column joining the key needs."""
        return replace(self, default=expression)

    def ddl(self, key: bool = False) -> str:
        """Its type as a `CREATE TABLE` writes it: `text COLLATE "C" NOT NULL DEFAULT 'all'`."""
        collation = f' COLLATE "{self.collation}"' if self.collation else ""
        default = f" DEFAULT {self.default}" if self.default else ""
        return f"{self.type}{collation}{' NOT NULL' if self.not_null or key else ''}{default}"


TEXT, BIGINT, INTEGER, DOUBLE, BOOLEAN = (Column(t) for t in ("text", "bigint", "integer", "double precision",
                                                              "boolean"))
DATE, TIMESTAMP, TIMESTAMPTZ, JSONB = (Column(t) for t in ("date", "timestamp", "timestamptz", "jsonb"))
TEXT_BYTES = Column("text", collation="C")
"""Text compared byte by byte (`COLLATE "C"`): an id with no linguistic order, indexed without the locale's cost."""

Columns = Mapping[str, Column]

INTERVAL_BOUNDS = {"low": "lower", "high": "upper"}
"""The bounds of an interval column's name (`<x>_ci_low`, `<x>_ci_high`), in words."""


def interval_meaning(name: str, columns: Columns) -> str:
    """What `name` holds when it is a bound of the 95 % interval of another column of `columns`: `<x>_ci_low` of
    `<x>`, else of `<x>_mean`, else of `<x>_rate` (empty when it is not)."""
    stem, _, bound = name.rpartition("_ci_")
    of = next((c for c in (stem, f"{stem}_mean", f"{stem}_rate") if c in columns), None) if stem else None
    return f"the {INTERVAL_BOUNDS[bound]} bound of the 95 % interval of `{of}`" if bound in INTERVAL_BOUNDS and of \
        else ""


def described(tables: Mapping[str, Columns], meanings: Mapping[str, str]) -> dict[str, dict[str, Column]]:
    """`tables` (table → its columns) with each column declared without a description described: by what its name
    means in `meanings` (a name that means the same in every table that has it), or, for a bound of an interval,
    by `interval_meaning`. A column declared with a description keeps it; one left undescribed stays so (a test
    finds it)."""
    return {table: {name: column if column.description
                    else column(meanings.get(name) or interval_meaning(name, columns))
                    for name, column in columns.items()} for table, columns in tables.items()}

ACCEPTS: dict[str, tuple[type[pl.DataType], ...]] = {
    "text": (pl.String, pl.Categorical, pl.Enum),
    "jsonb": (pl.String,),
    "bigint": (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32),
    "integer": (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16),
    "double precision": (pl.Float32, pl.Float64, pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16,
                         pl.UInt32, pl.UInt64, pl.Decimal),
    "boolean": (pl.Boolean,),
    "date": (pl.Date,),
    "timestamp": (pl.Datetime,),
    "timestamptz": (pl.Datetime,),
}
"""The polars types a lake column may have for each declared type (an all-null column, `pl.Null`, fits any)."""


def conformance_errors(columns: Columns, schema: Mapping[str, pl.DataType]) -> list[str]:
    """What keeps a frame of `schema` from being the table `columns` declare: columns missing, undeclared, or of a
    type the declared one does not take (empty when it conforms)."""
    missing = [name for name in columns if name not in schema]
    extra = [name for name in schema if name not in columns]
    wrong = [f"{name} is {schema[name]}, declared {column.type}" for name, column in columns.items()
             if name in schema and schema[name] != pl.Null and not isinstance(schema[name], ACCEPTS[column.type])]
    return ([f"missing {missing}"] if missing else []) + ([f"undeclared {extra}"] if extra else []) + wrong


DEFAULT = "DEFAULT "
"""How a column's default begins among its other constraints in `dagster/column_schema`."""


def table_schema(columns: Columns, key: tuple[str, ...] = ()) -> dg.TableSchema:
    """The columns as Dagster's catalog shows them (`dagster/column_schema`), the key's never null, a default among
    a column's other constraints (`DEFAULT 'all'`)."""
    return dg.TableSchema(columns=[
        dg.TableColumn(name, replace(column, not_null=False, default=None).ddl(), column.description,
                       constraints=dg.TableColumnConstraints(
                           nullable=not (column.not_null or name in key),
                           other=[DEFAULT + column.default] if column.default else []))
        for name, column in columns.items()])


def declared_columns(schema: dg.TableSchema | dg.TableSchemaMetadataValue) -> dict[str, Column]:
    """The columns `table_schema` recorded (as such or as a metadata value), back as `Column`s."""
    columns = {}
    for column in getattr(schema, "schema", schema).columns:
        type_, _, collation = column.type.partition(' COLLATE "')
        default = next((other.removeprefix(DEFAULT) for other in column.constraints.other
                        if other.startswith(DEFAULT)), None)
        columns[column.name] = Column(type_, not column.constraints.nullable, column.description or "",
                                      collation.rstrip('"') or None, default)
    return columns
