"""The manual's generated parts (`docs/`, built by MkDocs): each published table's columns and each domain's checks
and automation from the declarations, the API reference from the OpenAPI document, the benchmarks from `bench/`;
placed into the pages at build time by the hook `docs/hooks/generated.py` (`hook.py`), and the commands that build
and serve the site (`site.py`)."""
