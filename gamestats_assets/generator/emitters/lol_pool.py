"""The champion pool of the synthetic League of Legends ladder: every champion of patch 12.21 (Data Dragon keys)
in its main position, with the build class the emitter equips it by, and how often the ladder picks it.

Popularity follows a ladder's shape: in each position the champion of popularity rank k (1 the most played)
is picked in proportion to `exp(−k / POPULARITY_SCALE)`, so the most played champions are picked in 15–25 % of
games, the median one in under 4 % (ten picks a game over the pool make the mean 6 %), and a third of the pool,
the long tail, in under 2 %."""

from __future__ import annotations

import math
from functools import cache

POOL: dict[str, tuple[tuple[str, str], ...]] = {
    "TOP": (
        ("Darius", "fighter"), ("Fiora", "fighter"), ("Sett", "fighter"), ("Garen", "fighter"), ("Aatrox", "fighter"),
        ("Jax", "fighter"), ("Camille", "fighter"), ("Mordekaiser", "fighter"), ("Irelia", "fighter"),
        ("Riven", "fighter"), ("Gwen", "mage"), ("Renekton", "fighter"), ("Malphite", "tank"), ("Ornn", "tank"),
        ("Shen", "tank"), ("Teemo", "mage"), ("Nasus", "fighter"), ("Gangplank", "fighter"), ("Urgot", "fighter"),
        ("Tryndamere", "fighter"), ("KSante", "tank"), ("Jayce", "assassin"), ("Kennen", "mage"),
        ("Volibear", "fighter"), ("Sion", "tank"), ("Illaoi", "fighter"), ("Gnar", "fighter"), ("Yorick", "fighter"),
        ("Quinn", "marksman"), ("Kled", "fighter"), ("Kayle", "mage"), ("Vladimir", "mage"), ("Poppy", "tank"),
        ("Chogath", "tank"), ("DrMundo", "tank"), ("Singed", "tank"), ("Rumble", "mage"), ("Heimerdinger", "mage"),
        ("Pantheon", "assassin"), ("Olaf", "fighter"), ("Trundle", "fighter"), ("MonkeyKing", "fighter"),
        ("TahmKench", "tank"),
    ),
    "JUNGLE": (
        ("LeeSin", "fighter"), ("Graves", "marksman"), ("Viego", "fighter"), ("Kayn", "assassin"),
        ("Hecarim", "fighter"), ("Diana", "mage"), ("Ekko", "mage"), ("Khazix", "assassin"), ("Nidalee", "mage"),
        ("Elise", "mage"), ("Evelynn", "mage"), ("Kindred", "marksman"), ("Vi", "fighter"), ("Warwick", "fighter"),
        ("JarvanIV", "fighter"), ("XinZhao", "fighter"), ("Zac", "tank"), ("Sejuani", "tank"),
        ("MasterYi", "marksman"), ("Rammus", "tank"), ("Amumu", "tank"), ("Nocturne", "fighter"),
        ("Shaco", "assassin"), ("Rengar", "assassin"), ("Belveth", "fighter"), ("Lillia", "mage"),
        ("Karthus", "mage"), ("Fiddlesticks", "mage"), ("Nunu", "tank"), ("Udyr", "fighter"), ("RekSai", "fighter"),
        ("Ivern", "enchanter"), ("Skarner", "tank"), ("Shyvana", "fighter"), ("Gragas", "tank"),
    ),
    "MIDDLE": (
        ("Ahri", "mage"), ("Zed", "assassin"), ("Syndra", "mage"), ("Yasuo", "marksman"), ("Yone", "marksman"),
        ("Sylas", "mage"), ("Akali", "mage"), ("Viktor", "mage"), ("Orianna", "mage"), ("Leblanc", "mage"),
        ("Katarina", "mage"), ("Vex", "mage"), ("Lux", "mage"), ("Veigar", "mage"), ("Talon", "assassin"),
        ("Fizz", "mage"), ("Cassiopeia", "mage"), ("Annie", "mage"), ("Malzahar", "mage"), ("Xerath", "mage"),
        ("Akshan", "marksman"), ("Qiyana", "assassin"), ("Kassadin", "mage"), ("TwistedFate", "mage"),
        ("Galio", "tank"), ("Lissandra", "mage"), ("Zoe", "mage"), ("Anivia", "mage"), ("AurelionSol", "mage"),
        ("Azir", "mage"), ("Ryze", "mage"), ("Corki", "marksman"), ("Neeko", "mage"), ("Swain", "mage"),
        ("Taliyah", "mage"), ("Ziggs", "mage"), ("Velkoz", "mage"),
    ),
    "BOTTOM": (
        ("Ezreal", "ezreal"), ("Jinx", "marksman"), ("Caitlyn", "marksman"), ("Kaisa", "marksman"),
        ("Jhin", "marksman"), ("Vayne", "marksman"), ("MissFortune", "marksman"), ("Ashe", "marksman"),
        ("Samira", "marksman"), ("Lucian", "marksman"), ("Xayah", "marksman"), ("Draven", "marksman"),
        ("Tristana", "marksman"), ("Sivir", "marksman"), ("Aphelios", "marksman"), ("Twitch", "marksman"),
        ("Varus", "marksman"), ("KogMaw", "marksman"), ("Zeri", "marksman"), ("Kalista", "marksman"),
        ("Nilah", "marksman"),
    ),
    "UTILITY": (
        ("Thresh", "tank_support"), ("Lulu", "enchanter"), ("Leona", "tank_support"), ("Nautilus", "tank_support"),
        ("Yuumi", "enchanter"), ("Pyke", "assassin"), ("Blitzcrank", "tank_support"), ("Karma", "enchanter"),
        ("Nami", "enchanter"), ("Senna", "marksman"), ("Rakan", "tank_support"), ("Soraka", "enchanter"),
        ("Morgana", "mage"), ("Janna", "enchanter"), ("Sona", "enchanter"), ("Alistar", "tank_support"),
        ("Brand", "mage"), ("Zyra", "mage"), ("Rell", "tank_support"), ("Braum", "tank_support"),
        ("Seraphine", "enchanter"), ("Bard", "enchanter"), ("Renata", "enchanter"), ("Taric", "tank_support"),
        ("Zilean", "enchanter"), ("Maokai", "tank_support"),
    ),
}
"""Each position's champions, most played first, with their build class (`lol.BUILDS`)."""

POPULARITY_SCALE = 8.5

CLASS_OF = {champion: build_class for champions in POOL.values() for champion, build_class in champions}
POSITION_OF = {champion: position for position, champions in POOL.items() for champion, _ in champions}


@cache
def pick_weights(position: str) -> tuple[float, ...]:
    """The relative chance of each of the position's champions (in `POOL` order) to be picked in a game."""
    return tuple(math.exp(-rank / POPULARITY_SCALE) for rank in range(1, len(POOL[position]) + 1))


BANS_PER_TEAM = 5
UNUSED_BAN = 0.02
"""The share of bans a team leaves unused (Riot's `championId` -1)."""


@cache
def ban_weights() -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Every champion of the pool and its relative chance to be banned: its pick weight in its position, so a
    position's most played champions are banned in about a third of games and the long tail almost never."""
    champions = [(champion, weight) for position, pool in POOL.items()
                 for (champion, _), weight in zip(pool, pick_weights(position), strict=True)]
    return tuple(name for name, _ in champions), tuple(weight for _, weight in champions)


def most_played(per_position: int) -> tuple[str, ...]:
    """The `per_position` most played champions of every position."""
    return tuple(champion for champions in POOL.values() for champion, _ in champions[:per_position])
