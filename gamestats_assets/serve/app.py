"""The ASGI application of `gamestats serve`: the routers, the read pool opened for the app's life, the request
budget per client address, the answers kept by URL and publish (`fastpath`), CORS only when configured, and the
OpenAPI pages at `/docs` (Swagger UI) and `/redoc`, their scripts served from `/docs/static` (no CDN: they work on
a machine without internet)."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline

from gamestats_assets.serve import (
    admin,
    catalog,
    l2m,
    l2m_cohorts,
    lol,
    lol_query,
    pubg,
    pubg_match,
    rocket,
    rocket_heatmap,
)
from gamestats_assets.serve.guard import RateLimiter, retry_after
from gamestats_assets.serve.fastpath import CachedAnswers, PublishClock
from gamestats_assets.serve.reader import READER_ROLE, PublishRace, Reader
from gamestats_assets.serve.settings import ServeSettings
from gamestats_assets.serve.site import mount_pages

ROUTERS = (pubg.router, pubg_match.router, catalog.router, admin.router, rocket.router, rocket_heatmap.router,
           lol.router, lol_query.router, l2m.router, l2m_cohorts.router)


def dagster_instance():
    """The platform's Dagster instance (`DAGSTER_HOME`, which `gamestats serve` prepares as `gamestats dev` does)."""
    import dagster as dg

    return dg.DagsterInstance.get()


class RequestBudget:
    """ASGI middleware answering 429 with `Retry-After` to a client address past its budget (`RateLimiter`); a plain
    ASGI layer, so a request within budget costs no more than the limiter's lookup."""

    def __init__(self, app, limiter: RateLimiter, per_minute: int):
        self.app, self.limiter, self.per_minute = app, limiter, per_minute

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        address = scope["client"][0] if scope.get("client") else "unknown"
        wait = self.limiter.take(address)
        if not wait:
            return await self.app(scope, receive, send)
        refused = JSONResponse({"detail": f"too many requests from {address}: {self.per_minute} a minute"},
                               status_code=429, headers={"Retry-After": retry_after(wait)})
        await refused(scope, receive, send)


def create_app(settings: ServeSettings) -> FastAPI:
    """The API over the PostgreSQL of `settings.pg_url`, reading as `gamestats_reader`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.reader.open()
        try:
            yield
        finally:
            await app.state.clock.close()
            app.state.reader.close()

    app = FastAPIOffline(title="gamestats", summary="The design documents' APIs over the published tables",
                         version="1", lifespan=lifespan, static_url="/docs/static")
    app.state.settings = settings
    app.state.reader = Reader(settings.pg_url)
    app.state.limiter = RateLimiter(settings.requests_per_minute)
    app.state.dagster_instance = dagster_instance
    app.state.clock = PublishClock(settings.pg_url, READER_ROLE)
    for router in ROUTERS:
        app.include_router(router)

    app.add_middleware(CachedAnswers, clock=app.state.clock)
    app.add_middleware(RequestBudget, limiter=app.state.limiter, per_minute=settings.requests_per_minute)

    @app.exception_handler(PublishRace)
    async def publish_race(request: Request, error: PublishRace):
        return JSONResponse({"detail": str(error)}, status_code=503, headers={"Retry-After": "1"})

    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    mount_pages(app)
    return app


def app_from_env() -> FastAPI:
    """The app on the platform's settings (the embedded PostgreSQL or `GAMESTATS_PG_URL`): uvicorn's factory,
    called in each worker process."""
    from gamestats_assets.lib.core.settings import Settings
    from gamestats_assets.lib.publish.postgres import resolve_url

    return create_app(ServeSettings.from_env(resolve_url(Settings.from_env())))
