"""The accounts of `gamestats serve` (`gamestats_api.accounts`, `sql/160_api_accounts.sql`): a name, a role, the
player ids it acts for, and API keys of which only the SHA-256 is kept.

A key reads `gsk_<key id>_<secret>`: the key id finds its row, the hash of the whole key is compared in constant
time (`hmac.compare_digest`), also when no row is found. Roles, each allowed what the one before it is: `player`
(uploads replays and logs training sessions for its own player ids, reads everything public), `organiser` (the
PUBG admin), `operator` (everything, accounts included; `GAMESTATS_API_TOKEN` is the operator's bootstrap). Its
writes are `crud/accounts.py`, its reads `queries/accounts.py`."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

ROLES = ("player", "organiser", "operator")
NAME = re.compile(r"^[A-Za-z0-9._@+-]{1,64}$")
KEY = re.compile(r"^gsk_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$")
NO_KEY = hashlib.sha256(b"no such key").digest()
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
        """True when this role includes `role` (operator ⊃ organiser ⊃ player)."""
        return ROLES.index(self.role) >= ROLES.index(role)

    def acts_for(self, player_id: str) -> bool:
        """True when this principal may write for `player_id`: its own, or any for an operator."""
        return self.role == "operator" or player_id in self.player_ids

    def acts_for_any(self, player_ids: Iterable[str]) -> bool:
        """True when this principal may write for one of `player_ids` (an operator for none at all too: a replay
        whose header lists no players)."""
        return self.role == "operator" or any(self.acts_for(player_id) for player_id in player_ids)


def digest(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()

