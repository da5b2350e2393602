"""Where a lake table lives: a local folder or object storage (`s3://bucket/prefix`), with the storage options read
from the environment at the moment of use (`object_store_options`)."""

from __future__ import annotations

import os

import pyarrow.fs as pafs
from deltalake.fs import DeltaStorageHandler

AWS_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_ENDPOINT_URL")
"""The AWS variables passed to delta-rs and polars for an `s3://` lake, when set."""


def object_store_options(uri: str) -> dict[str, str]:
    """Storage options for `uri` read from the environment at the moment of use, so that no credential
    ever sits in a run's configuration: for `s3://` the usual AWS variables (`AWS_DEFAULT_REGION` and
    `AWS_ENDPOINT_URL_S3` as fallbacks), and plain HTTP allowed when the endpoint is `http://`
    (an S3-compatible server inside a cluster). Other URIs: none (local paths need none; `az://` and
    `gs://` read their own variables)."""
    if not uri.startswith(("s3://", "s3a://")):
        return {}
    environment = {
        **{name: os.environ.get(fallback, "") for name, fallback in
           (("AWS_REGION", "AWS_DEFAULT_REGION"), ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"))},
        **{name: os.environ[name] for name in AWS_VARIABLES if os.environ.get(name)},
    }
    options = {name: value for name, value in environment.items() if value}
    if options.get("AWS_ENDPOINT_URL", "").startswith("http://"):
        options["AWS_ALLOW_HTTP"] = "true"
    return options


def table_filesystem(uri: str, storage_options: dict[str, str] | None) -> pafs.FileSystem:
    """A table's folder as a filesystem: a local folder, or object storage through delta-rs's own store."""
    if "://" not in uri:
        os.makedirs(uri, exist_ok=True)
        return pafs.SubTreeFileSystem(os.path.abspath(uri), pafs.LocalFileSystem())
    return pafs.PyFileSystem(DeltaStorageHandler(uri, storage_options))
