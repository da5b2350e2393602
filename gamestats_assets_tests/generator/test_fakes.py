"""Text properties named like what they hold (`email`, `billing_city`, `client_ip`, `device_model` ...) get values of
that kind, in every country's locale, for users (one per user) and for events (from a pool); names that merely
contain such a word (`job_id`, `hotel`) do not."""

import ipaddress
import re
import uuid
from datetime import date
from urllib.parse import urlparse

import numpy as np
import pytest

from gamestats_assets.generator.analyzer import analyze
from gamestats_assets.generator.fakes import FAKER_PATTERNS, draw_faker, faker_provider, pooled_faker
from gamestats_assets.generator.knowledge import APP_VERSIONS, COUNTRIES, DEVICES
from gamestats_assets.generator.taxonomy import Constraint, EventSpec, PropertySpec, Taxonomy


def _matches(pattern):
    return lambda value: re.fullmatch(pattern, value) is not None


def _luhn(value: str) -> bool:
    digits = [int(d) for d in reversed(value)]
    return value.isdigit() and 12 <= len(value) <= 19 and (
        sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])) % 10 == 0


def _ean(value: str) -> bool:
    digits = [int(d) for d in value.replace("-", "")]
    return len(digits) == 13 and sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10 == 0


def _url(value: str) -> bool:
    parts = urlparse(value)
    return parts.scheme in ("http", "https") and "." in parts.netloc


def _between(low, high):
    return lambda value: low <= float(value) <= high


def _has_digit(value: str) -> bool:
    return any(character.isdigit() for character in value)


def _text(value: str) -> bool:
    return len(value.strip()) >= 4 and any(character.isalpha() for character in value)


def _wordy(value: str) -> bool:
    return value.strip() != "" and not _has_digit(value)


def _ip(version: int):
    return lambda value: ipaddress.ip_address(value).version == version


MODELS = {device.model for devices in DEVICES.values() for device in devices}
MAKERS = {device.manufacturer for devices in DEVICES.values() for device in devices}

KINDS = {
    "player_email": ("email", _matches(r"[^@\s]+@[^@\s]+\.[a-z]+")),
    "contact_mail": ("email", _matches(r"[^@\s]+@[^@\s]+\.[a-z]+")),
    "phone": ("phone_number", lambda v: sum(c.isdigit() for c in v) >= 7),
    "mobile_number": ("phone_number", lambda v: sum(c.isdigit() for c in v) >= 7),
    "first_name": ("first_name", _wordy),
    "last_name": ("last_name", _wordy),
    "user_name": ("name", _wordy),
    "username": ("user_name", _matches(r"\S+")),
    "nickname": ("user_name", _matches(r"\S+")),
    "company": ("company", lambda v: v.strip() != ""),
    "job_title": ("job", lambda v: v.strip() != ""),
    "street_address": ("street_address", _text),
    "street_name": ("street_name", lambda v: v.strip() != ""),
    "house_number": ("building_number", lambda v: 0 < len(v) <= 16),
    "address": ("address", _has_digit),
    "billing_city": ("city", _wordy),
    "home_town": ("city", _wordy),
    "province": ("administrative_unit", _wordy),
    "country_code": ("country_code", _matches(r"[A-Z]{2}")),
    "country_name": ("country", lambda v: v.strip() != ""),
    "shipping_postal_code": ("postcode", _has_digit),
    "zip": ("postcode", _has_digit),
    "latitude": ("latitude", _between(-90, 90)),
    "home_lat": ("latitude", _between(-90, 90)),
    "longitude": ("longitude", _between(-180, 180)),
    "home_lng": ("longitude", _between(-180, 180)),
    "client_ip": ("ipv4_public", lambda v: _ip(4)(v) and ipaddress.ip_address(v).is_global),
    "ipv6": ("ipv6", _ip(6)),
    "mac_address": ("mac_address", _matches(r"([0-9a-f]{2}:){5}[0-9a-f]{2}")),
    "user_agent": ("user_agent", _matches(r"(Mozilla|Opera)/\d.*")),
    "avatar_url": ("image_url", _url),
    "avatar": ("image_url", _url),
    "referrer": ("uri", _url),
    "landing_url": ("url", _url),
    "website": ("url", _url),
    "hostname": ("hostname", _matches(r"[\w.-]+\.[a-z]+")),
    "email_domain": ("domain_name", _matches(r"[\w.-]+\.[a-z]+")),
    "request_uuid": ("uuid4", lambda v: uuid.UUID(v).version == 4),
    "currency": ("currency_code", _matches(r"[A-Z]{3}")),
    "currency_name": ("currency_name", _wordy),
    "language": ("language_code", _matches(r"[a-z]{2,3}")),
    "locale": ("locale", _matches(r"[a-z]{2,3}_[A-Z]{2}")),
    "timezone": ("timezone", _matches(r"[A-Za-z_]+/[A-Za-z_/-]+")),
    "hex_color": ("hex_color", _matches(r"#[0-9a-f]{6}")),
    "favourite_colour": ("color_name", _wordy),
    "iban": ("iban", _matches(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")),
    "account_number": ("bban", _matches(r"[A-Z0-9]{8,30}")),
    "card_number": ("credit_card_number", _luhn),
    "card_provider": ("credit_card_provider", lambda v: v.strip() != ""),
    "swift": ("swift", _matches(r"[A-Z0-9]{8}([A-Z0-9]{3})?")),
    "isbn": ("isbn13", _ean),
    "barcode": ("ean13", _ean),
    "password": ("password", lambda v: len(v) >= 8),
    "file_name": ("file_name", _matches(r".+\.\w+")),
    "file_path": ("file_path", _matches(r"/.+\.\w+")),
    "mime_type": ("mime_type", _matches(r"[\w-]+/[\w.+-]+")),
    "file_extension": ("file_extension", _matches(r"\w+")),
    "license_plate": ("license_plate", lambda v: v.strip() != ""),
    "date_of_birth": ("date_of_birth", lambda v: date.fromisoformat(v) < date.today()),
    "device_model": ("device_model", MODELS.__contains__),
    "manufacturer": ("manufacturer", MAKERS.__contains__),
    "app_version": ("app_version", set(APP_VERSIONS).__contains__),
    "review_comment": ("sentence", _text),
    "bio": ("paragraph", _text),
    "search_keyword": ("word", _matches(r"\S+")),
    "slug": ("slug", _matches(r"[a-z0-9-]+")),
    "emoji": ("emoji", lambda v: not v.isascii()),
    "checksum": ("sha256", _matches(r"[0-9a-f]{64}")),
    "md5": ("md5", _matches(r"[0-9a-f]{32}")),
    "session_token": ("sha1", _matches(r"[0-9a-f]{40}")),
}
EVERY_COUNTRY = np.array(sorted(COUNTRIES) * 3 + ["XX"], dtype=object)


def test_every_pattern_is_tested_and_names_its_own_provider():
    assert {provider for _, provider in FAKER_PATTERNS} <= {provider for provider, _ in KINDS.values()}
    assert len(FAKER_PATTERNS) >= 40
    assert {pattern: faker_provider(pattern) for pattern, _ in FAKER_PATTERNS} == dict(FAKER_PATTERNS)


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_field_named_for_a_kind_gets_values_of_that_kind(name):
    provider, is_kind = KINDS[name]
    assert faker_provider(name) == provider
    users = draw_faker(provider, EVERY_COUNTRY, seed=3)
    events = pooled_faker(provider, EVERY_COUNTRY, np.linspace(0, 1, len(EVERY_COUNTRY)), seed=3)
    wrong = [value for value in [*users, *events] if not is_kind(value)]
    assert not wrong, wrong[:5]
    assert len(set(users)) > 1 or provider in ("app_version",)
    assert list(draw_faker(provider, EVERY_COUNTRY, seed=3)) == list(users)


@pytest.mark.parametrize("name", ["job_id", "city_id", "review_id", "hotel", "game_state", "ticket_code", "level"])
def test_a_name_that_only_contains_a_word_is_no_pattern(name):
    assert faker_provider(name) == ""


def test_the_analyzer_draws_named_fields_with_faker_and_keyed_ones_as_identifiers():
    names = ["client_ip", "country_code", "job_id", "device_model", "hotel"]
    taxonomy = Taxonomy("t", (EventSpec("login", "session", "", tuple(names)),),
                        tuple(PropertySpec(name, "string", "", Constraint()) for name in names))
    rules = analyze(taxonomy)
    assert {name: (rules.values[name].generator, rules.values[name].faker) for name in names} == {
        "client_ip": ("faker", "ipv4_public"), "country_code": ("faker", "country_code"),
        "job_id": ("identifier", ""), "device_model": ("faker", "device_model"), "hotel": ("text", ""),
    }
