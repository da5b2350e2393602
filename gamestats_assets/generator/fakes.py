"""Realistic text values chosen by a property's name: `email`, `city`, `device_model`, `user_agent`, ... each drawn by a
Faker provider in the user's country's locale.

`faker_provider` finds the pattern a name matches (its words in order, `billing_city` matches `city`), the one ending
nearest the name's end and then the longest (`email_domain` is a domain, `mac_address` no address); a name ending in
`_id` or `_code` matches only a pattern ending with that word (`country_code`, `postal_code`), so `job_id` stays an
identifier. User properties draw one value per user (`draw_faker`); event properties draw from a pool per locale
(`pooled_faker`).
"""

from __future__ import annotations

import functools
import re

import numpy as np
from faker import Faker
from faker.providers import BaseProvider

from gamestats_assets.generator.knowledge import APP_VERSIONS, COUNTRIES, DEVICES

FAKER_PATTERNS: tuple[tuple[str, str], ...] = (
    # (name words, Faker provider), the more specific first
    ("first_name", "first_name"), ("given_name", "first_name"),
    ("last_name", "last_name"), ("family_name", "last_name"), ("surname", "last_name"),
    ("username", "user_name"), ("nickname", "user_name"), ("handle", "user_name"),
    ("company", "company"), ("employer", "company"), ("organization", "company"),
    ("job", "job"), ("occupation", "job"), ("profession", "job"),
    ("email", "email"), ("mail", "email"),
    ("phone", "phone_number"), ("mobile", "phone_number"), ("telephone", "phone_number"), ("tel", "phone_number"),
    ("street_name", "street_name"), ("street_address", "street_address"), ("street", "street_address"),
    ("building_number", "building_number"),
    ("house_number", "building_number"), ("address", "address"),
    ("city", "city"), ("town", "city"),
    ("province", "administrative_unit"), ("region", "administrative_unit"),
    ("country_code", "country_code"), ("country_name", "country"),
    ("postal_code", "postcode"), ("zip_code", "postcode"), ("postcode", "postcode"), ("zip", "postcode"),
    ("latitude", "latitude"), ("lat", "latitude"), ("longitude", "longitude"), ("lng", "longitude"),
    ("lon", "longitude"),
    ("ipv6", "ipv6"), ("ip", "ipv4_public"), ("mac_address", "mac_address"), ("mac", "mac_address"),
    ("user_agent", "user_agent"), ("image_url", "image_url"), ("avatar_url", "image_url"),
    ("avatar", "image_url"), ("referrer", "uri"),
    ("url", "url"), ("website", "url"), ("homepage", "url"), ("hostname", "hostname"), ("domain", "domain_name"),
    ("uuid", "uuid4"), ("guid", "uuid4"),
    ("currency_code", "currency_code"), ("currency_name", "currency_name"), ("currency", "currency_code"),
    ("language_code", "language_code"), ("language", "language_code"), ("locale", "locale"),
    ("timezone", "timezone"), ("time_zone", "timezone"),
    ("hex_color", "hex_color"), ("color", "color_name"), ("colour", "color_name"),
    ("iban", "iban"), ("account_number", "bban"), ("card_number", "credit_card_number"),
    ("credit_card", "credit_card_number"), ("card_provider", "credit_card_provider"), ("swift", "swift"),
    ("bic", "swift"), ("isbn", "isbn13"), ("ean", "ean13"), ("barcode", "ean13"),
    ("password", "password"), ("file_name", "file_name"), ("filename", "file_name"), ("file_path", "file_path"),
    ("mime_type", "mime_type"), ("content_type", "mime_type"), ("file_extension", "file_extension"),
    ("license_plate", "license_plate"), ("date_of_birth", "date_of_birth"), ("birthday", "date_of_birth"),
    ("birth_date", "date_of_birth"),
    ("device_model", "device_model"), ("manufacturer", "manufacturer"), ("app_version", "app_version"),
    ("comment", "sentence"), ("review", "sentence"), ("feedback", "sentence"), ("message", "sentence"),
    ("bio", "paragraph"), ("keyword", "word"), ("search_term", "word"), ("slug", "slug"), ("emoji", "emoji"),
    ("sha256", "sha256"), ("checksum", "sha256"), ("md5", "md5"), ("token", "sha1"),
    ("full_name", "name"), ("name", "name"),
)
"""Name patterns (words joined by `_`) and the Faker provider each draws with."""

_POOL = 256


def _words(name: str) -> list[str]:
    return [word for word in re.split(r"[_\W]+", name.lower()) if word]


def faker_provider(name: str) -> str:
    """The Faker provider of the pattern `name`'s words contain in order and end nearest its end, or `""` for none."""
    words = _words(name)
    keyed = bool(words) and words[-1] in ("id", "code")
    best, chosen = (-1, 0), ""
    for pattern, provider in FAKER_PATTERNS:
        part = pattern.split("_")
        ends = [end for end in range(len(part), len(words) + 1) if words[end - len(part):end] == part]
        if ends and (not keyed or ends[-1] == len(words)) and (ends[-1], len(part)) > best:
            best, chosen = (ends[-1], len(part)), provider
    return chosen


class DeviceFacts(BaseProvider):
    """Faker providers for what ThinkingData's presets know about devices: model, manufacturer, app version."""

    def device_model(self) -> str:
        return self.random_element([device.model for devices in DEVICES.values() for device in devices])

    def manufacturer(self) -> str:
        return self.random_element(sorted({device.manufacturer for devices in DEVICES.values() for device in devices}))

    def app_version(self) -> str:
        return self.random_element(APP_VERSIONS)


def _locale(code: str) -> str:
    return COUNTRIES[code].locale if code in COUNTRIES else "en_US"


def _producer(locale: str, provider: str, seed_text: str):
    """The seeded Faker method `provider` in `locale` (en_US's where the locale lacks it)."""
    fake = Faker(locale)
    fake.add_provider(DeviceFacts)
    fake.seed_instance(seed_text)
    try:
        produce = getattr(fake, provider)
    except AttributeError:
        return _producer("en_US", provider, seed_text)
    return lambda: str(produce()).replace("\n", ", ")


def draw_faker(provider: str, countries: np.ndarray, seed: int) -> np.ndarray:
    """One Faker value (`provider` such as name, email, phone_number) per user, in the user's country's locale.

    Users are served in order within each locale by a Faker seeded from (seed, locale, provider), so the
    same population always gets the same values.
    """
    values = np.empty(len(countries), dtype=object)
    for code in sorted(set(countries.tolist())):
        locale = _locale(code)
        produce = _producer(locale, provider, f"{seed}:{locale}:{provider}")
        positions = np.flatnonzero(countries == code)
        values[positions] = [produce() for _ in positions]
    return values


@functools.lru_cache(maxsize=256)
def _pool(provider: str, locale: str, seed: int) -> np.ndarray:
    produce = _producer(locale, provider, f"{seed}:{locale}:{provider}:pool")
    return np.array([produce() for _ in range(_POOL)], dtype=object)


def pooled_faker(provider: str, countries: np.ndarray, uniforms: np.ndarray, seed: int) -> np.ndarray:
    """One Faker value per event row, picked by its uniform from a fixed pool of the row's user's locale."""
    values = np.empty(len(countries), dtype=object)
    positions = np.minimum((uniforms * _POOL).astype(np.int64), _POOL - 1)
    for code in sorted(set(countries.tolist())):
        rows = np.flatnonzero(countries == code)
        values[rows] = _pool(provider, _locale(code), seed)[positions[rows]]
    return values
