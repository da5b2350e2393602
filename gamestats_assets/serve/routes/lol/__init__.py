"""League of Legends' routes (`/api/v1/lol/...`), one module per resource."""
