"""`gamestats generate --interactive`: the guided questions (taxonomy, industry, platform, size, days, first day,
output), each with a default taken from the options given or from the taxonomy, then a summary to confirm."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import click

from gamestats_assets.generator.knowledge import PLATFORM_FAMILIES

INDUSTRIES = ("game", "ecommerce", "saas")
_INDUSTRY_WORDS = {"ecommerce": ("ecommerce", "shop", "store", "retail"), "saas": ("saas", "app", "workspace")}


@dataclass(frozen=True)
class Plan:
    """What a run of `gamestats generate` writes."""

    taxonomy: Path | None
    industry: str
    platform: str
    users: int
    days: int
    start: date | None
    out_dir: Path | None


def guessed_industry(taxonomy: Path) -> str:
    """The industry a taxonomy's file name suggests (`ecommerce_events.csv` → ecommerce), else game."""
    name = taxonomy.name.lower()
    return next((industry for industry, words in _INDUSTRY_WORDS.items() if any(w in name for w in words)), "game")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date YYYY-MM-DD") from None


def ask(plan: Plan, today: date) -> Plan:
    """The plan after asking for each part of it on the terminal; the defaults are `plan`'s where it has them."""
    taxonomy = Path(click.prompt("Taxonomy file (.xlsx, or <name>_events.csv)",
                                 default=str(plan.taxonomy) if plan.taxonomy else None,
                                 type=click.Path(exists=True, dir_okay=False)))
    industry_default = plan.industry if plan.taxonomy else guessed_industry(taxonomy)
    industry = click.prompt(f"Industry ({', '.join(INDUSTRIES)}, or another word)", default=industry_default)
    platform = click.prompt("Platform", default=plan.platform, type=click.Choice(sorted(PLATFORM_FAMILIES)))
    users = click.prompt("Users", default=plan.users, type=click.IntRange(1))
    days = click.prompt("Days", default=plan.days, type=click.IntRange(1))
    first = plan.start or today - timedelta(days=days)
    start = click.prompt("First day (YYYY-MM-DD)", default=first.isoformat(), value_proc=_date)
    out_default = plan.out_dir or Path("generated") / taxonomy.name.removesuffix("_events.csv").removesuffix(".xlsx")
    out_dir = Path(click.prompt("Output folder", default=str(out_default), type=click.Path(file_okay=False)))
    chosen = replace(plan, taxonomy=taxonomy, industry=industry.strip().lower(), platform=platform, users=users,
                     days=days, start=start, out_dir=out_dir)
    last = start + timedelta(days=days - 1)
    click.echo(f"\n{users} {industry} users on {platform}, {start} to {last} ({days} days), from {taxonomy.name}, "
               f"into {out_dir}/")
    if not click.confirm("Generate?", default=True):
        raise click.Abort()
    return chosen
