"""The accounts of `gamestats serve` (`gamestats_api.accounts`, `sql/160_api_accounts.sql`): a name, a role, the
player ids it acts for, and API keys of which only the SHA-256 is kept.

A key reads `gsk_<key id>_<secret>`: the key id finds its row, the hash of the whole key is compared in constant
time (`hmac.compare_digest`), also when no row is found. Roles, each allowed what the one before it is: `player`
(uploads replays and logs training sessions for its own player ids, reads everything public), `premium` (a
player with a larger request budget, `core/budget_profiles.py`), `organiser` (the PUBG admin), `operator`
(everything, accounts included; `GAMESTATS_API_TOKEN` is the operator's bootstrap). Its writes are
`crud/accounts.py`, its reads `queries/accounts.py`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

ROLES = ("player", "premium", "organiser", "operator")
"""The roles, each allowed what the one before it is."""
PLAYERS = ("player", "premium")
"""The roles of a player's own account, which acts for at least one player id."""
NAME = re.compile(r"^[A-Za-z0-9._@+-]{1,64}$")
KEY = re.compile(r"^gsk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$")
NO_KEY = hashlib.sha256(b"no such key").digest()
PLATFORMS = {"steam": "steam", "epic": "epic", "psn": "psn", "ps4": "psn", "ps5": "psn", "xbox": "xbox",
             "dingo": "xbox", "switch": "switch", "nnx": "switch"}
"""A Rocket League platform's one name in an account's player id, by every name a replay or ballchasing.com gives
it (a replay header says `dingo` for Xbox and `nnx` for Switch, ballchasing.com `ps4` for PlayStation)."""
STEAM_ID = re.compile(r"^7656119[0-9]{10}$")
"""What a key is compared with when its key id has no row, so that an unknown key takes the time of a known one."""


class AccountError(ValueError):
    """An account that cannot be created as asked, with the reason."""


class AccountExists(AccountError):
    """An account of that name exists (revoked ones too: a name is never reused)."""


class NoSuchAccount(AccountError):
    """No account in use has that name."""


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: an account, or the operator's bootstrap token (`name` "operator", no account)."""

    name: str
    role: str
    player_ids: tuple[str, ...] = ()

    def has(self, role: str) -> bool:
        """True when this role includes `role` (operator ⊃ organiser ⊃ premium ⊃ player)."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def acts_for(self, player_id: str, platform: str | None = None) -> bool:
        """True when this principal may write for `player_id`: its own, or any for an operator. With the
        `platform` a replay gives, the id is compared in its platform-qualified form (`steam:<id64>`); without, a
        bare id is also its own when one of the account's ids is it qualified by a platform."""
        if self.role == "operator":
            return True
        if platform is not None and platform.lower() in PLATFORMS:
            return f"{PLATFORMS[platform.lower()]}:{player_id}" in self.player_ids
        return player_id in self.player_ids or any(
            own.partition(":")[0] in PLATFORMS and own.partition(":")[2] == player_id for own in self.player_ids)

    def acts_for_any(self, players: Iterable[tuple[str, str | None]]) -> bool:
        """True when this principal may write for one of `players`, each (player id, platform) as a replay names
        it (an operator for none at all too: a replay whose header lists no players)."""
        return self.role == "operator" or any(self.acts_for(player_id, platform) for player_id, platform in players)


def qualified(player_id: str) -> str:
    """An account's player id as it is kept: a Rocket League player's as `<platform>:<id>` with the platform's one
    name (`PLATFORMS`: `steam:<id64>`, `epic:<account id>`, `psn:<name>`, `xbox:<hex id>`, `switch:<id>`), any
    other id (a PUBG account id, a LoL PUUID) as given; a bare SteamID64 is qualified, a platform-qualified id
    that cannot be one is refused."""
    if STEAM_ID.match(player_id.strip()):
        return f"steam:{player_id.strip()}"
    platform, colon, online_id = player_id.strip().partition(":")
    if not colon or platform.lower() not in PLATFORMS:
        return player_id.strip()
    name = PLATFORMS[platform.lower()]
    if not online_id:
        raise AccountError(f"a {name} player id is {name}:<id>, not {player_id!r}")
    if name == "steam" and not STEAM_ID.match(online_id):
        raise AccountError(f"a Steam player id is steam:<the 17-digit SteamID64>, not {player_id!r}")
    return f"{name}:{online_id.lower() if name in ('epic', 'xbox') else online_id}"


def digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()

