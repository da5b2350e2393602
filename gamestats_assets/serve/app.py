"""The ASGI application of `gamestats serve`: the routers, the read pool opened for the app's life, the request
budget per client address, CORS only when configured, and the OpenAPI page at `/docs`."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from gamestats_assets.serve import admin, catalog, l2m, l2m_cohorts, lol, pubg, pubg_match, rocket
from gamestats_assets.serve.guard import RateLimiter, retry_after
from gamestats_assets.serve.reader import PublishRace, Reader
from gamestats_assets.serve.settings import ServeSettings
from gamestats_assets.serve.site import mount_pages

ROUTERS = (pubg.router, pubg_match.router, catalog.router, admin.router, rocket.router, lol.router, l2m.router,
           l2m_cohorts.router)


def dagster_instance():
    """The platform's Dagster instance (`DAGSTER_HOME`, which `gamestats serve` prepares as `gamestats dev` does)."""
    import dagster as dg

    return dg.DagsterInstance.get()


def create_app(settings: ServeSettings) -> FastAPI:
    """The API over the PostgreSQL of `settings.pg_url`, reading as `gamestats_reader`."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.reader.open()
        try:
            yield
        finally:
            app.state.reader.close()

    app = FastAPI(title="gamestats", summary="The design documents' APIs over the published tables",
                  version="1", lifespan=lifespan)
    app.state.settings = settings
    app.state.reader = Reader(settings.pg_url)
    app.state.limiter = RateLimiter(settings.requests_per_minute)
    app.state.dagster_instance = dagster_instance
    for router in ROUTERS:
        app.include_router(router)

    @app.middleware("http")
    async def request_budget(request: Request, call_next):
        address = request.client.host if request.client else "unknown"
        wait = request.app.state.limiter.take(address)
        if wait:
            return JSONResponse({"detail": f"too many requests from {address}: "
                                 f"{settings.requests_per_minute} a minute"},
                                status_code=429, headers={"Retry-After": retry_after(wait)})
        return await call_next(request)

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
