"""The generated DDL of the published tables: one file per table under `sql/generated/`, rendered from the
declarations (`gamestats ddl` writes them, `stale_files` says which differ from the declarations)."""

from collections.abc import Sequence
from pathlib import Path

from gamestats_assets.lib.authoring.publish_steps import PublishSpec
from gamestats_assets.lib.core.settings import SQL_DIR
from gamestats_assets.lib.publish.ddl import create_table
from gamestats_assets.lib.publish.postgres import GENERATED

GENERATED_DIR = SQL_DIR / GENERATED


def rendered(specs: Sequence[PublishSpec]) -> dict[str, str]:
    """File name (`<schema>.<table>.sql`) → its DDL, for every published table of `specs`."""
    files = {}
    for spec in specs:
        if not spec.columns:
            raise ValueError(f"{spec.source.key.to_user_string()} is published to {spec.table} but declares no "
                             "columns: give its Table or lake_asset `columns=`")
        files[f"{spec.table}.sql"] = create_table(
            spec.table, spec.columns, spec.key_columns, source=spec.source.key.to_user_string(),
            partition_column=spec.partition_column if spec.partitioned_in_postgres else None,
            indexes=spec.indexes, checks=spec.checks, comment=spec.comment, retired=spec.retired)
    return files


def stale_files(specs: Sequence[PublishSpec], directory: Path = GENERATED_DIR) -> list[str]:
    """The generated files that differ from the declarations, are missing, or declare no table any more."""
    files = rendered(specs)
    present = {path.name for path in directory.glob("*.sql")}
    return sorted({name for name, text in files.items()
                   if not (directory / name).exists() or (directory / name).read_text() != text}
                  | (present - files.keys()))


def write(specs: Sequence[PublishSpec], directory: Path = GENERATED_DIR) -> list[str]:
    """Write the generated files of `specs` into `directory` and remove those of tables no longer declared; return
    the names written or removed."""
    changed = stale_files(specs, directory)
    directory.mkdir(parents=True, exist_ok=True)
    files = rendered(specs)
    for name in changed:
        if name in files:
            (directory / name).write_text(files[name])
        else:
            (directory / name).unlink()
    return changed
