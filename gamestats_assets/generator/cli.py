"""`gamestats generate`: synthetic ThinkingData logs for any taxonomy, one JSONL file per day."""

from __future__ import annotations

from datetime import date, datetime

import click

from gamestats_assets.generator.api import build_rules, build_users, write_days
from gamestats_assets.generator.knowledge import PLATFORM_FAMILIES
from gamestats_assets.generator.llm import PROVIDERS, LLMError, provider_for
from gamestats_assets.generator.taxonomy import TaxonomyError
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
@click.option("--ai", "ai_provider", type=click.Choice(sorted(PROVIDERS)), default=None,
              help="Ask this model provider for the rules (key from OPENAI_API_KEY / ANTHROPIC_API_KEY); "
                   "default: infer them offline.")
@click.option("--model", default=None, help="The provider's model (default: the provider's own default).")
@click.option("--ai-base-url", envvar="GAMESTATS_AI_BASE_URL", default=None,
              help="The provider's API address (default: its public one).")
@click.option("--ai-cache", type=click.Path(file_okay=False), default=None,
              help="Folder caching the model's answers by taxonomy, provider, model and product.")
def generate(taxonomy_path, users, days, start, anchor, seed, out_dir, industry, platform, ai_provider, model,
             ai_base_url, ai_cache):
    """Generate DAYS daily ThinkingData JSONL files (YYYYMMDD.jsonl) for USERS users under OUT."""
    anchor = anchor or start
    if model and not ai_provider:
        raise click.UsageError("--model needs --ai PROVIDER")
    provider = provider_for(ai_provider, model, ai_base_url, ai_cache) if ai_provider else None
    try:
        rules = build_rules(taxonomy_path, ProductInfo(industry=industry, platform=platform), provider)
    except (LLMError, TaxonomyError) as error:
        raise click.ClickException(str(error)) from None
    population = build_users(rules, PopulationConfig(users=users, seed=seed, anchor=anchor))
    for path, lines, size in write_days(rules, population, start, days, seed, anchor, out_dir):
        click.echo(f"{path}\t{lines} lines\t{size} bytes")
