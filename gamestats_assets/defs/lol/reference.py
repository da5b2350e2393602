"""`gamestats lol reference --from <folder>`: rebuild the Data Dragon reference (`sources/riot/ddragon.py`) from
English Data Dragon files, one folder per version."""

from __future__ import annotations

from pathlib import Path

import click

from gamestats_assets.sources.riot import ddragon


@click.command("reference")
@click.option("--from", "folder", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A folder of Data Dragon versions: <version>/item.json, champion.json, runesReforged.json, "
                   "summoner.json (or <version>/data/en_US/...), in English.")
@click.option("--to", "reference_dir", default=ddragon.REFERENCE_DIR, show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="The reference folder written.")
def reference_command(folder: Path, reference_dir: Path) -> None:
    """Add (or replace) every version under FOLDER in the items, champions, runes and summoner spells of the
    reference, one row per (patch, id)."""
    if not ddragon.patch_folders(folder):
        raise click.ClickException(f"{folder} holds no <version>/ folder of Data Dragon files "
                                   f"({', '.join(f'{name}.json' for name in ddragon.DOCUMENT_NAMES)})")
    reference_dir.mkdir(parents=True, exist_ok=True)
    patches = ddragon.rebuild(folder, reference_dir)
    sizes = sum(path.stat().st_size for path in reference_dir.glob("*.parquet"))
    click.echo(f"{len(patches)} patches ({patches[0]}..{patches[-1]}) written to {reference_dir}, "
               f"{sizes / 1e6:.2f} MB in all")
