"""The request budgets a minute as one profile (`GAMESTATS_API_BUDGET_PROFILE`): a client address asking without
credentials that authenticate is `public`; an account is charged by its role (`player`, `premium`, `organiser`,
`operator`; the operator's `GAMESTATS_API_TOKEN` as an `operator`), whatever address it comes from. `browsing`, the
default, never stops a person browsing the pages (each page asks a handful of answers); `pubg` is the PUBG tournament
design's tiers (public 60 a minute per address, signed in 300 per account, admin 1,000).
`GAMESTATS_API_REQUESTS_PER_MINUTE` sets the public budget and `GAMESTATS_API_ROLE_REQUESTS_PER_MINUTE` (`role=n,...`)
a role's over the profile's; an account is never allowed less than an address without one. `core/limits.py` charges
them."""

from __future__ import annotations

from collections.abc import Mapping

from gamestats_assets.serve.core.accounts import ROLES

PUBLIC = "public"
"""The budget of a client address asking without credentials."""
PROFILES: Mapping[str, Mapping[str, int]] = {
    "browsing": {PUBLIC: 600, "player": 600, "premium": 1_200, "organiser": 3_000, "operator": 6_000},
    "pubg": {PUBLIC: 60, "player": 300, "premium": 600, "organiser": 1_000, "operator": 1_000},
}
"""Each profile's requests a minute: per address for `public`, per account for each role."""
DEFAULT_PROFILE = "browsing"


def budgets_of(profile: str, public: int | None, roles: Mapping[str, int]) -> dict[str, int]:
    """The requests a minute of `public` and of each role: the `profile`'s, `public` and `roles` (role → requests)
    over them; no role's below the public one."""
    chosen = {**PROFILES[profile], **({PUBLIC: public} if public else {}), **roles}
    return {who: max(chosen[who], chosen[PUBLIC]) if who != PUBLIC else chosen[who] for who in (PUBLIC, *ROLES)}


def role_budgets(value: object) -> dict[str, int]:
    """`player=300,premium=600` as {role: requests a minute}; `ValueError` naming an unknown role or a count that is
    not a positive whole number."""
    if isinstance(value, Mapping):
        return dict(value)
    found = {}
    for part in filter(None, (part.strip() for part in str(value or "").split(","))):
        role, _, count = part.partition("=")
        if role.strip() not in ROLES or not count.strip().isdigit() or int(count) < 1:
            raise ValueError(f"a role's budget is <{'|'.join(ROLES)}>=<requests a minute, at least 1>, not {part!r}")
        found[role.strip()] = int(count)
    return found
