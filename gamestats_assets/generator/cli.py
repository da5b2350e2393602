"""`gamestats generate`: synthetic ThinkingData logs for any taxonomy, one JSONL file per day."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from gamestats_assets.generator.api import build_rules, build_users, write_days
from gamestats_assets.generator.interactive import Plan, ask
from gamestats_assets.generator.knowledge import PLATFORM_FAMILIES
from gamestats_assets.generator.llm import PROVIDERS, LLMError, provider_for
from gamestats_assets.generator.mix import MixReport, fit_rules
from gamestats_assets.generator.taxonomy import TaxonomyError
from gamestats_assets.generator.upload import Receiver, Sent, UploadError, send_files
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
@click.option("--taxonomy", "taxonomy_path", type=click.Path(exists=True, dir_okay=False),
              help="Taxonomy: an .xlsx with sheets events/properties (and optionally user_properties, "
                   "segments), or a <name>_events.csv.")
@click.option("--users", default=1000, show_default=True, type=click.IntRange(1), help="Population size.")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1), help="Days to write.")
@click.option("--start", callback=_date, help="First day to write, YYYY-MM-DD.")
@click.option("--anchor", callback=_date, default=None,
              help="Date the segments hold at (default: --start). Keep it fixed to regenerate single days.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), help="Output directory.")
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
@click.option("--send", "send_url", default=None,
              help="Then send the days to this ThinkingData receiver (https://receiver.example.com).")
@click.option("--app-id", default=None, help="The ThinkingData project's APP ID (with --send).")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 2000),
              help="Events per request (with --send).")
@click.option("--send-retries", default=4, show_default=True, type=click.IntRange(0, 10),
              help="Tries again after a 5xx or a broken connection, waiting 0.5 s, 1 s, 2 s ... (with --send).")
@click.option("--send-state", type=click.Path(dir_okay=False), default=None,
              help="Resume file recording what was sent (default: OUT/.thinkingdata-sent.json).")
@click.option("--fit-tries", default=3, show_default=True, type=click.IntRange(0, 10),
              help="Check the segments' shares and event mix on the first days and regenerate the rules while they "
                   "miss, this many checks at most; 0: no check.")
@click.option("--interactive", is_flag=True,
              help="Ask for the taxonomy, industry, platform, users, days, first day and output on the terminal.")
def generate(taxonomy_path, users, days, start, anchor, seed, out_dir, industry, platform, ai_provider, model,
             ai_base_url, ai_cache, send_url, app_id, batch_size, send_retries, send_state, fit_tries, interactive):
    """Generate DAYS daily ThinkingData JSONL files (YYYYMMDD.jsonl) for USERS users under OUT.

    --taxonomy, --start and --out are needed unless --interactive asks for them."""
    plan = Plan(Path(taxonomy_path) if taxonomy_path else None, industry, platform, users, days, start,
                Path(out_dir) if out_dir else None)
    if interactive:
        if not sys.stdin.isatty():
            raise click.UsageError("--interactive asks its questions on a terminal; give the options instead")
        plan = ask(plan, date.today())
    missing = [name for name, value in (("--taxonomy", plan.taxonomy), ("--start", plan.start),
                                        ("--out", plan.out_dir)) if value is None]
    if missing:
        raise click.UsageError(f"Missing option {', '.join(missing)} (or use --interactive)")
    taxonomy_path, industry, platform, users, days, start, out_dir = (
        plan.taxonomy, plan.industry, plan.platform, plan.users, plan.days, plan.start, plan.out_dir)
    anchor = anchor or start
    if model and not ai_provider:
        raise click.UsageError("--model needs --ai PROVIDER")
    if bool(send_url) != bool(app_id):
        raise click.UsageError("--send URL and --app-id ID go together")
    if send_url and not send_url.startswith(("http://", "https://")):
        raise click.UsageError(f"--send takes the receiver's http:// or https:// address, not {send_url!r}")
    provider = provider_for(ai_provider, model, ai_base_url, ai_cache) if ai_provider else None
    try:
        rules = build_rules(taxonomy_path, ProductInfo(industry=industry, platform=platform), provider)
    except (LLMError, TaxonomyError) as error:
        raise click.ClickException(str(error)) from None
    config = PopulationConfig(users=users, seed=seed, anchor=anchor)
    rules, population, reports = fit_rules(rules, config, start, min(days, 2), fit_tries) if fit_tries else (
        rules, build_users(rules, config), [])
    _report_mix(reports)
    written = write_days(rules, population, start, days, seed, anchor, out_dir)
    for path, lines, size in written:
        click.echo(f"{path}\t{lines} lines\t{size} bytes")
    if send_url:
        receiver = Receiver(send_url, app_id, batch_size=batch_size, attempts=send_retries + 1)
        _send([path for path, _, _ in written], receiver, Path(send_state or Path(out_dir) / ".thinkingdata-sent.json"))


def _report_mix(reports: list[MixReport]) -> None:
    """Says what each mix check found; a ClickException (nothing written) if the last still misses."""
    for number, report in enumerate(reports, start=1):
        misses = "; ".join(miss.text() for miss in report.misses)
        click.echo(f"mix check {number}: {report.checked} shares, " + (f"off: {misses}" if misses else "on target"))
    if reports and not reports[-1].ok:
        raise click.ClickException(f"the rules still miss their mix after {len(reports)} checks; nothing written "
                                   "(--fit-tries 0 writes without checking)")


def _send(paths: list[Path], receiver: Receiver, state: Path) -> None:
    """Send the written days to the receiver, resuming after what `state` records as sent."""
    def report(sent: Sent) -> None:
        earlier = f", {sent.skipped} sent before" if sent.skipped else ""
        click.echo(f"{sent.path.name}\tsent {sent.sent} events in {sent.batches} batches{earlier}, "
                   f"{sent.retries} retries")

    try:
        send_files(paths, receiver, state, report)
    except UploadError as error:
        raise click.ClickException(f"{error}; what was sent is recorded in {state}, run again to send the rest") \
            from None
