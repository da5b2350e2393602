"""The admin's routes (`/api/v1/admin/...`): the accounts (the operator's) and the PUBG tournament's schedule,
decisions and roster (the organiser's)."""
