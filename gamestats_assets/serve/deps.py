"""What the routers are given through `Depends`: the reader of the published tables and the API's settings, both
held by the app for its life."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gamestats_assets.serve.reader import Reader
from gamestats_assets.serve.settings import ServeSettings


def get_reader(request: Request) -> Reader:
    return request.app.state.reader


def get_settings(request: Request) -> ServeSettings:
    return request.app.state.settings


ReaderDep = Annotated[Reader, Depends(get_reader)]
SettingsDep = Annotated[ServeSettings, Depends(get_settings)]
