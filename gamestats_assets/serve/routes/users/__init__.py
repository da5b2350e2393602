"""A player's own account and data (`/api/v1/users/...`), one module per resource: their API keys, their consent,
profile and stats, the export of everything held about them, and the deletion of their account."""
