"""The API's routes, one router a module: `routes/<domain>/<resource>.py` for `/api/v1/<domain>/<resource>...`
(PUBG's `/api/v1/tournaments` is `routes/pubg/`), `routes/admin/` for `/api/v1/admin/...`, and at this level the
routes of no domain. No router imports another: what routes of a domain share is its `common.py`."""
