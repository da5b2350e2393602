"""The ASGI application of `gamestats serve`: the routers, the read pool opened for the app's life, the doors
every request passes (security headers, the body bound, the client address from trusted proxies only, the
request budget per client address shared by all workers, a key for every write before its body is read, no
control characters in parameters), the answers kept by URL and publish (`fastpath`), CORS only when configured, and
the OpenAPI pages at `/docs` (Swagger UI) and `/redoc`, their scripts served from `/docs/static` (no CDN: they work
on a machine without internet)."""

from __future__ import annotations

import asyncio
import functools
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from gamestats_assets.serve.core import contract, errors
from gamestats_assets.serve.core.alerts import start_alerts
from gamestats_assets.serve.core.docs_bundle import serve_redoc_bundle
from gamestats_assets.serve.core.doors import BodyLimit, KeyFirst, PrintableParameters, SecurityHeaders
from gamestats_assets.serve.core.fastpath import CachedAnswers, PublishClock
from gamestats_assets.serve.core.guard import BudgetUnavailable, KeyChecks
from gamestats_assets.serve.core.limits import Budgets, RequestBudget
from gamestats_assets.serve.core.transport import StrictTransport
from gamestats_assets.serve.core.methods import UndeclaredMethods
from gamestats_assets.serve.core.metrics import MeasuredRequests, measured
from gamestats_assets.serve.core.parse_ahead import AheadParser
from gamestats_assets.serve.core.reader import READER_ROLE, PublishRace, Reader
from gamestats_assets.serve.core.settings import ServeSettings
from gamestats_assets.serve.core.site import mount_pages
from gamestats_assets.serve.deps import sealer_of
from gamestats_assets.serve.intake.ballchasing_sync import keep_in_step
from gamestats_assets.serve.intake.replay_uploads import land_waiting_uploads
from gamestats_assets.serve.queries import NotFound
from gamestats_assets.serve.routes import catalog, health, operations
from gamestats_assets.serve.routes import players as deletion
from gamestats_assets.serve.routes.admin import accounts, pubg_decisions, pubg_roster, pubg_schedule
from gamestats_assets.serve.routes.auth import epic, session, steam
from gamestats_assets.serve.routes.l2m import board, cohorts, economy, kpis
from gamestats_assets.serve.routes.lol import champions, findings, query, tier_list
from gamestats_assets.serve.routes.pubg import decisions, leaderboards, matches, rounds
from gamestats_assets.serve.routes.pubg import players as pubg_players
from gamestats_assets.serve.routes.rocket import analytics, conflicts, imports, replays, stats, training, uploads
from gamestats_assets.serve.routes.rocket import leaderboards as rocket_leaderboards
from gamestats_assets.serve.routes.rocket import players as rocket_players
from gamestats_assets.serve.routes.users import account as user_account
from gamestats_assets.serve.routes.users import consent as user_consent
from gamestats_assets.serve.routes.users import export as user_export
from gamestats_assets.serve.routes.users import keys
from gamestats_assets.serve.routes.users import profile as user_profile
from gamestats_assets.serve.routes.users import stats as user_stats
from gamestats_assets.sources.replays.parsed import ahead_folder

ROUTERS = (health.router, leaderboards.router, matches.router, rounds.router, decisions.router, pubg_players.router,
           catalog.router, pubg_schedule.router, pubg_decisions.router, pubg_roster.router, accounts.router,
           uploads.router, stats.router, rocket_players.router, replays.router, analytics.router, training.router,
           imports.router, rocket_leaderboards.router, conflicts.router, champions.router, tier_list.router,
           query.router, findings.router, kpis.router, cohorts.router, board.router, economy.router, deletion.router,
           operations.router, steam.router, epic.router, session.router, keys.router, user_consent.router,
           user_profile.router, user_stats.router, user_export.router, user_account.router)
"""Every router, one a resource (`routes/`), in the order the OpenAPI document lists their operations."""
UPLOADS = ("/api/v1/rocket/replays/upload",)
"""The routes whose body is a file, bounded by `max_upload_bytes` rather than `max_body_bytes`."""
DOCS_STATIC = "/docs/static"
"""Where `/docs` and `/redoc` take their scripts and styles (`fastapi-offline`'s, served by the app)."""


@functools.cache
def dagster_instance():
    """The platform's Dagster instance (`DAGSTER_HOME`, which `gamestats serve` prepares as `gamestats dev` does),
    opened once per process."""
    import dagster as dg

    return dg.DagsterInstance.get()


def create_app(settings: ServeSettings) -> FastAPI:
    """The API over the PostgreSQL of `settings.pg_url`, reading as `gamestats_reader`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.reader.open()
        app.state.keys.open()
        waiting = asyncio.create_task(land_waiting_uploads(app.state.settings, app.state.ahead))
        alerting = start_alerts(app.state.reader, app.state.settings, app.state.metrics)
        syncing = asyncio.create_task(keep_in_step(app.state.settings, sealer_of(app.state.settings.secret_keys)))
        try:
            yield
        finally:
            if alerting is not None:
                alerting.cancel()
            await app.state.clock.close()
            await app.state.budgets.close()
            app.state.reader.close()
            app.state.keys.close()
            waiting.cancel()
            syncing.cancel()
            app.state.ahead.close()

    app = FastAPIOffline(title="gamestats", summary="The design documents' APIs over the published tables",
                         version="1", lifespan=lifespan, static_url=DOCS_STATIC)
    serve_redoc_bundle(app, DOCS_STATIC)
    app.state.settings = settings
    app.state.reader = Reader(settings.pg_url, cache_bytes=settings.cache_bytes // 2)
    app.state.budgets = Budgets(settings.pg_url, settings.budgets)
    app.state.keys = KeyChecks(settings.pg_url, settings.api_token)
    app.state.dagster_instance = dagster_instance
    app.state.clock = PublishClock(settings.pg_url, READER_ROLE)
    app.state.ahead = AheadParser(ahead_folder(settings.data_dir))
    app.state.metrics = measured(app, app.state.reader, settings, lambda: app.state.dagster_instance)
    for router in ROUTERS:
        app.include_router(router)
    errors.install(app)
    contract.declare(app)

    app.add_middleware(UndeclaredMethods)
    app.add_middleware(CachedAnswers, clock=app.state.clock, max_bytes=settings.cache_bytes // 2)
    app.add_middleware(PrintableParameters, files=UPLOADS)
    app.add_middleware(KeyFirst, keys=app.state.keys)
    app.add_middleware(RequestBudget, budgets=app.state.budgets, keys=app.state.keys)
    app.add_middleware(StrictTransport, max_age=settings.hsts_seconds)
    if settings.trusted_proxies:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(settings.trusted_proxies))
    app.add_middleware(BodyLimit, limit_of=lambda path: settings.max_upload_bytes if path in UPLOADS
                       else settings.max_body_bytes)

    @app.exception_handler(PublishRace)
    async def publish_race(request: Request, error: PublishRace):
        return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(BudgetUnavailable)
    async def budget_unavailable(request: Request, error: BudgetUnavailable):
        return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "1"})

    @app.exception_handler(NotFound)
    async def not_found(request: Request, error: NotFound):
        return JSONResponse({"detail": str(error)}, status_code=404)

    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(SecurityHeaders)
    app.add_middleware(MeasuredRequests, metrics=app.state.metrics)
    mount_pages(app)
    return app


def app_from_env() -> FastAPI:
    """The app on the platform's settings (the embedded PostgreSQL or `GAMESTATS_PG_URL`): uvicorn's factory,
    called in each worker process."""
    from gamestats_assets.lib.core.settings import Settings
    from gamestats_assets.lib.publish.postgres import resolve_url

    return create_app(ServeSettings.from_env(resolve_url(Settings.from_env())))
