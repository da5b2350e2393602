"""Offline world knowledge the analyzer and the generators rely on: countries, carriers, devices, vocabularies."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """What follows from a user's country: carriers, currency, Faker locale, IP block, UTC offset, name."""

    code: str
    name: str
    carriers: tuple[str, ...]
    currency: str
    locale: str
    ip_prefix: str
    zone_offset: int


COUNTRIES: dict[str, Country] = {
    country.code: country
    for country in (
        Country("KR", "South Korea", ("SKT", "KT", "LG U+"), "KRW", "ko_KR", "121.134", 9),
        Country("JP", "Japan", ("NTT docomo", "au", "SoftBank"), "JPY", "ja_JP", "126.72", 9),
        Country("US", "United States", ("Verizon", "AT&T", "T-Mobile"), "USD", "en_US", "73.162", -5),
        Country("TW", "Taiwan", ("Chunghwa Telecom", "Taiwan Mobile", "FarEasTone"), "TWD", "zh_TW", "114.34", 8),
        Country("TH", "Thailand", ("AIS", "TrueMove H", "dtac"), "THB", "th_TH", "171.96", 7),
        Country("DE", "Germany", ("Deutsche Telekom", "Vodafone", "O2"), "EUR", "de_DE", "87.123", 1),
        Country("GB", "United Kingdom", ("EE", "Vodafone", "O2", "Three"), "GBP", "en_GB", "86.140", 0),
        Country("FR", "France", ("Orange", "SFR", "Bouygues Telecom", "Free Mobile"), "EUR", "fr_FR", "90.12", 1),
        Country("CN", "China", ("China Mobile", "China Unicom", "China Telecom"), "CNY", "zh_CN", "112.96", 8),
        Country("IN", "India", ("Jio", "Airtel", "Vi"), "INR", "en_IN", "49.36", 5),
        Country("BR", "Brazil", ("Vivo", "Claro", "TIM"), "BRL", "pt_BR", "177.32", -3),
        Country("VN", "Vietnam", ("Viettel", "Vinaphone", "MobiFone"), "VND", "vi_VN", "113.161", 7),
        Country("ID", "Indonesia", ("Telkomsel", "Indosat", "XL Axiata"), "IDR", "id_ID", "36.72", 7),
    )
}
DEFAULT_COUNTRIES = ("US", "KR", "JP", "DE", "GB", "FR")


@dataclass(frozen=True)
class Device:
    """A device model as ThinkingData presets name it."""

    model: str
    manufacturer: str
    os: str
    os_versions: tuple[str, ...]
    screen: tuple[int, int]


DEVICES: dict[str, tuple[Device, ...]] = {
    "android": (
        Device("SM-S918N", "samsung", "Android", ("13", "14"), (1440, 3088)),
        Device("SM-A546B", "samsung", "Android", ("13", "14"), (1080, 2340)),
        Device("Pixel 8", "Google", "Android", ("14", "15"), (1080, 2400)),
        Device("2201117TG", "Xiaomi", "Android", ("12", "13"), (1080, 2400)),
        Device("CPH2449", "OPPO", "Android", ("13",), (1240, 2772)),
    ),
    "ios": (
        Device("iPhone15,2", "Apple", "iOS", ("17.4", "17.5"), (1179, 2556)),
        Device("iPhone14,5", "Apple", "iOS", ("16.6", "17.5"), (1170, 2532)),
        Device("iPhone16,2", "Apple", "iOS", ("17.5", "18.0"), (1290, 2796)),
        Device("iPad13,18", "Apple", "iOS", ("17.5",), (1640, 2360)),
    ),
    "web": (
        Device("Chrome", "Google", "Windows", ("10", "11"), (1920, 1080)),
        Device("Safari", "Apple", "macOS", ("14.4", "15.0"), (1512, 982)),
        Device("Edge", "Microsoft", "Windows", ("11",), (2560, 1440)),
        Device("Firefox", "Mozilla", "Linux", ("6.8",), (1920, 1080)),
    ),
    "pc": (
        Device("Desktop", "ASUS", "Windows", ("10", "11"), (1920, 1080)),
        Device("Desktop", "MSI", "Windows", ("11",), (2560, 1440)),
        Device("MacBookPro18,3", "Apple", "macOS", ("14.4",), (3024, 1964)),
    ),
}
PLATFORM_FAMILIES: dict[str, tuple[str, ...]] = {
    "mobile": ("android", "ios"),
    "android": ("android",),
    "ios": ("ios",),
    "web": ("web",),
    "pc": ("pc",),
}
LIBRARIES = {"android": "Android", "ios": "iOS", "web": "js", "pc": "C#"}
APP_VERSIONS = ("2.3.0", "2.4.1", "2.5.0", "2.5.2")
NETWORK_TYPES = {"android": ("WIFI", "5G", "4G"), "ios": ("WIFI", "5G", "4G"), "web": ("WIFI",), "pc": ("WIFI",)}

WORDS = ("alpha", "nova", "pixel", "ember", "quest", "orbit", "lumen", "spark", "drift", "echo")
TAG_WEIGHTS = {
    "gameplay": 1.0,
    "core": 1.0,
    "browse": 1.0,
    "economy": 0.4,
    "commerce": 0.5,
    "engagement": 0.3,
    "collaboration": 0.4,
    "social": 0.2,
    "advanced": 0.3,
    "monetization": 0.05,
}
"""How often an event of each tag happens, relative to the others (0.3 for other tags)."""
HOUR_WEIGHTS = {
    "game": (3, 2, 1, 1, 1, 1, 2, 3, 4, 4, 4, 5, 7, 6, 5, 5, 6, 7, 8, 10, 12, 13, 11, 7),
    "ecommerce": (2, 1, 1, 1, 1, 1, 2, 4, 6, 6, 6, 7, 9, 8, 6, 6, 6, 7, 8, 9, 10, 10, 8, 4),
    "saas": (1, 1, 1, 1, 1, 1, 2, 5, 10, 13, 13, 12, 8, 11, 12, 12, 11, 9, 5, 3, 2, 2, 1, 1),
}
"""Activity per hour of the day (0-23) by industry; other industries follow `game`."""
