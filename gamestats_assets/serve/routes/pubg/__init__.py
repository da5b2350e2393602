"""The PUBG tournament's routes (`/api/v1/tournaments/...`), one module per resource."""
