"""`gamestats generate`: synthetic ThinkingData logs for any taxonomy, one JSONL file per day."""

from __future__ import annotations

from datetime import date, datetime

import click

from gamestats_assets.generator.api import build_rules, build_users, write_days
from gamestats_assets.generator.knowledge import PLATFORM_FAMILIES
from gamestats_assets.sources.taxonomy.population import PopulationConfig
from gamestats_assets.sources.taxonomy.rules import ProductInfo


def _date(_context, _parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


@click.command("generate", short_help="Generate daily ThinkingData JSONL files.")
@click.option("--taxonomy", "taxonomy_path", required=True, type=click.Path(exists=True, dir_okay=False),
              help="Taxonomy: an .xlsx with sheets events/properties, or a <name>_events.csv.")
@click.option("--users", default=1000, show_default=True, type=click.IntRange(1), help="Population size.")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1), help="Days to write.")
@click.option("--start", required=True, callback=_date, help="First day to write, YYYY-MM-DD.")
@click.option("--anchor", callback=_date, default=None,
              help="Date the segments hold at (default: --start). Keep it fixed to regenerate single days.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="Output directory.")
@click.option("--industry", default="game", show_default=True, help="game, ecommerce, saas, ...")
@click.option("--platform", default="mobile", show_default=True, type=click.Choice(sorted(PLATFORM_FAMILIES)))
def generate(taxonomy_path, users, days, start, anchor, seed, out_dir, industry, platform):
    """Generate DAYS daily ThinkingData JSONL files (YYYYMMDD.jsonl) for USERS users under OUT."""
    anchor = anchor or start
    rules = build_rules(taxonomy_path, ProductInfo(industry=industry, platform=platform))
    population = build_users(rules, PopulationConfig(users=users, seed=seed, anchor=anchor))
    for path, lines, size in write_days(rules, population, start, days, seed, anchor, out_dir):
        click.echo(f"{path}\t{lines} lines\t{size} bytes")
