"""Personal fields kept encrypted at rest (a profile's email and ballchasing.com key): sealed with Fernet
(`cryptography`: AES-128-CBC with an HMAC-SHA-256, the time of sealing inside) under the keys of
`GAMESTATS_SECRET_KEYS`, newest first. A `MultiFernet` seals with the first key and opens with any of them, so a key
is rotated by putting a new one first (`gamestats accounts new-secret-key` makes one) and keeping the old ones until
every field is sealed again under the new one (`gamestats accounts reseal`; a write of a field seals it so too); a
field no key opens is `Unreadable`."""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class NoSecretKey(RuntimeError):
    """No key is configured: a personal field is refused rather than kept as its text."""


class Unreadable(ValueError):
    """A sealed field none of the configured keys opens (its key was dropped before it was sealed again)."""


def new_key() -> str:
    """A fresh key, as `GAMESTATS_SECRET_KEYS` takes it (URL-safe base64 of 32 random bytes)."""
    return Fernet.generate_key().decode()


class Sealer:
    """Seals and opens text under `keys` (newest first); with no key, `seal` and `open` raise `NoSecretKey`."""

    def __init__(self, keys: Iterable[str]):
        try:
            fernets = [Fernet(key.encode()) for key in keys]
        except ValueError:
            raise ValueError("each key of GAMESTATS_SECRET_KEYS is 32 url-safe base64-encoded bytes (make one with "
                             "`gamestats accounts new-secret-key`)") from None
        self._fernet = MultiFernet(fernets) if fernets else None

    @property
    def configured(self) -> bool:
        return self._fernet is not None

    def _held(self) -> MultiFernet:
        if self._fernet is None:
            raise NoSecretKey("no secret key is configured (GAMESTATS_SECRET_KEYS): an email or a ballchasing.com key "
                              "is kept only encrypted, so it cannot be stored; the operator sets a key first")
        return self._fernet

    def seal(self, text: str) -> bytes:
        return self._held().encrypt(text.encode())

    def open(self, sealed: bytes) -> str:
        try:
            return self._held().decrypt(bytes(sealed)).decode()
        except InvalidToken:
            raise Unreadable("a field sealed under a key no longer configured in GAMESTATS_SECRET_KEYS") from None

    def opened(self, sealed: bytes | None) -> str | None:
        """`sealed` opened, or None when there is none or no configured key opens it."""
        if sealed is None or self._fernet is None:
            return None
        try:
            return self.open(sealed)
        except Unreadable:
            return None

    def reseal(self, sealed: bytes) -> bytes:
        """`sealed` sealed again under the newest key (`Unreadable` when no key opens it)."""
        try:
            return self._held().rotate(bytes(sealed))
        except InvalidToken:
            raise Unreadable("a field sealed under a key no longer configured in GAMESTATS_SECRET_KEYS") from None
