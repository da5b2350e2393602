"""Lineage 2M's routes (`/api/v1/l2m/...`), one module per resource."""
