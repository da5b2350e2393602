"""Synthetic League of Legends games in Riot's match-v5 format, with planted effects and their truth.

One day is `n_matches` ranked games on EUW1 (queue 420, patch 12.21, Data Dragon names), deterministic for
a seed and a day; the planted effects (`PLANTED`) are written beside them as `planted_effects.json`."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import msgspec

from gamestats_assets.generator.emitters.lol_pool import (
    BANS_PER_TEAM,
    CLASS_OF,
    POOL,
    UNUSED_BAN,
    ban_weights,
    most_played,
    pick_weights,
)
from gamestats_assets.lib.core.allocation import bulk_allocation
from gamestats_assets.sources.riot import ddragon
from gamestats_assets.sources.riot.league import APEX, DIVISIONS, LEAGUE_SUFFIX, SOLO, TIERS
from gamestats_assets.sources.riot.parse import TRUTH_FILE

PLATFORM = "EUW1"
GAME_VERSION = "12.21.474.6036"
PATCH = ddragon.short_patch(GAME_VERSION)
QUEUE_RANKED_SOLO = 420
FRAME_MS = 60_000
TEAMS = (100, 200)
POSITIONS = ("TOP", "JUNGLE", "MIDDLE", "BOTTOM", "UTILITY")
SKILLS = {"Q": 1, "W": 2, "E": 3, "R": 4}

BUILDS = {
    "fighter": (("Goredrinker", "Stridebreaker", "Trinity Force"),
                ("Black Cleaver", "Sterak's Gage", "Death's Dance", "Spirit Visage", "Maw of Malmortius"),
                "Doran's Blade"),
    "assassin": (("Duskblade of Draktharr", "Eclipse", "Prowler's Claw"),
                 ("Edge of Night", "Serylda's Grudge", "Serpent's Fang", "Death's Dance", "Youmuu's Ghostblade"),
                 "Doran's Blade"),
    "mage": (("Luden's Tempest", "Everfrost", "Liandry's Anguish"),
             ("Zhonya's Hourglass", "Rabadon's Deathcap", "Void Staff", "Shadowflame", "Banshee's Veil"),
             "Doran's Ring"),
    "marksman": (("Kraken Slayer", "Galeforce", "Immortal Shieldbow"),
                 ("Infinity Edge", "Rapid Firecannon", "Bloodthirster", "Lord Dominik's Regards", "Guardian Angel"),
                 "Doran's Blade"),
    "ezreal": (("Trinity Force", "Divine Sunderer", "Eclipse"),
               ("Manamune", "Serylda's Grudge", "Black Cleaver", "Lord Dominik's Regards", "Guardian Angel"),
               "Doran's Blade"),
    "tank_support": (("Locket of the Iron Solari", "Sunfire Aegis", "Imperial Mandate"),
                     ("Knight's Vow", "Zeke's Convergence", "Thornmail", "Redemption", "Anathema's Chains"),
                     "Steel Shoulderguards"),
    "enchanter": (("Moonstone Renewer", "Shurelya's Battlesong", "Imperial Mandate"),
                  ("Ardent Censer", "Staff of Flowing Water", "Redemption", "Mikael's Blessing", "Chemtech Putrifier"),
                  "Spellthief's Edge"),
    "tank": (("Sunfire Aegis", "Frostfire Gauntlet", "Turbo Chemtank"),
             ("Thornmail", "Randuin's Omen", "Force of Nature", "Spirit Visage", "Gargoyle Stoneplate"),
             "Doran's Shield"),
}
"""Per champion class: the three first-core mythics, the five later legendaries in the order the class usually builds
them, the starter item."""
LATER_PREFERENCE = 4.0
"""How much likelier a player builds a legendary next than the one after it in its class's usual order (`build_order`):
the usual order of the first two follows the mythic in a little over half the builds, as a ladder's core builds do."""
FIRST_CORE_MINUTES = (9.0, 13.0)
"""When the first core item is completed, in minutes."""
CORE_GOLD = 2400
"""The gold a player earns between two completed core items (`add_purchases`): at the ladder's 390 gold a minute, a core
item every 6.2 minutes, so that a build holds three core items at 25 minutes and five or six at 40."""
INVENTORY_SLOTS = 6
"""Item slots besides the trinket."""
GAME_MINUTES = (20, 45)
"""The range of a game's length, in minutes."""

BOOTS = {"fighter": "Plated Steelcaps", "assassin": "Ionian Boots of Lucidity", "mage": "Sorcerer's Shoes",
         "marksman": "Berserker's Greaves", "ezreal": "Ionian Boots of Lucidity",
         "tank_support": "Mercury's Treads", "enchanter": "Ionian Boots of Lucidity", "tank": "Plated Steelcaps"}
MAX_ORDERS = {"fighter": ("Q>E>W", "Q>W>E"), "assassin": ("Q>E>W", "Q>W>E"), "mage": ("Q>W>E", "Q>E>W"),
              "marksman": ("Q>W>E", "Q>E>W"), "ezreal": ("Q>E>W", "Q>W>E"),
              "tank_support": ("Q>W>E", "E>Q>W"), "enchanter": ("E>Q>W", "Q>E>W"), "tank": ("Q>E>W", "Q>W>E")}

DRAGONS = ("FIRE_DRAGON", "WATER_DRAGON", "EARTH_DRAGON", "AIR_DRAGON", "HEXTECH_DRAGON", "CHEMTECH_DRAGON")
PIT = {"DRAGON": (9866, 4414), "RIFTHERALD": (4942, 10395), "BARON_NASHOR": (4942, 10395)}
LANE_SPOTS = {"TOP": (2500, 12000), "JUNGLE": (5000, 7000), "MIDDLE": (7400, 7400), "BOTTOM": (12000, 2500),
              "UTILITY": (11500, 3000)}
TOWERS = [("TOP_LANE", "OUTER_TURRET"), ("MID_LANE", "OUTER_TURRET"), ("BOT_LANE", "OUTER_TURRET"),
          ("TOP_LANE", "INNER_TURRET"), ("MID_LANE", "INNER_TURRET"), ("BOT_LANE", "INNER_TURRET"),
          ("TOP_LANE", "BASE_TURRET"), ("MID_LANE", "BASE_TURRET"), ("BOT_LANE", "BASE_TURRET")]


@dataclass(frozen=True)
class PlantedEffect:
    """One planted effect: which pattern it is, on whom, under which condition, and how large."""

    pattern_type: str
    subject: str
    condition: str
    metric: str
    size: float
    unit: str


REAL_WIN_EFFECT = round(math.log(0.55 / 0.45), 4)
"""+5 points of win rate at 50 % (log-odds 0.2007): the size of a real item's or objective's effect."""

DPM_PLANTED_PER_POSITION = 8
"""The most played champions of each position whose skill max order is planted to raise their damage: those
the default demo plays often enough to find it, so that finding every one is enough to judge the detection."""

PLANTED = (
    PlantedEffect("first_core_item", "Ezreal", "Trinity Force", "win_rate", REAL_WIN_EFFECT, "win log-odds"),
    PlantedEffect("first_core_item", "Darius", "Stridebreaker", "win_rate", REAL_WIN_EFFECT, "win log-odds"),
    PlantedEffect("first_core_item", "Ahri", "Everfrost", "win_rate", REAL_WIN_EFFECT, "win log-odds"),
    PlantedEffect("first_core_item", "Thresh", "Locket of the Iron Solari", "win_rate", REAL_WIN_EFFECT,
                  "win log-odds"),
    *(PlantedEffect("skill_max_order", champion, MAX_ORDERS[CLASS_OF[champion]][0], "dpm", 1.3, "DPM multiplier")
      for champion in most_played(DPM_PLANTED_PER_POSITION)),
    PlantedEffect("first_objective", "team", "first herald", "win_rate", REAL_WIN_EFFECT, "win log-odds"),
    PlantedEffect("vision_deaths", "UTILITY", "vision_score_per_min", "deaths_per_10", -0.6,
                  "log death rate per point of vision score per minute"),
)
"""The planted effects: four champions' first core item and the first Rift Herald add to the win log-odds
(`REAL_WIN_EFFECT`; `defs/lol/transforms/truth.py` says how many games finding one takes), the first max order
of their class multiplies the damage per minute of each position's `DPM_PLANTED_PER_POSITION` most played
champions, and a UTILITY player's vision score per minute lowers their death rate. Nothing else depends on winning,
items, skill orders or vision."""

ITEM_WIN = {(e.subject, e.condition): e.size for e in PLANTED if e.pattern_type == "first_core_item"}
ORDER_DPM = {(e.subject, e.condition): e.size for e in PLANTED if e.pattern_type == "skill_max_order"}
HERALD_WIN = next(e.size for e in PLANTED if e.pattern_type == "first_objective")
VISION_DEATHS = next(e for e in PLANTED if e.pattern_type == "vision_deaths")
VISION_RATE = {"UTILITY": (1.3, 0.35)}
"""Wards (placed and killed) per minute, mean and spread; other positions use `OTHER_VISION`."""
OTHER_VISION = (0.5, 0.15)
VISION_SCORE_PER_WARD = 1.5
"""The vision score a ward placed or killed earns (the match file's `visionScore`)."""
DEATHS_PER_MINUTE = 0.2
DPM_BY_POSITION = {"TOP": 620, "JUNGLE": 480, "MIDDLE": 720, "BOTTOM": 700, "UTILITY": 260}


class Names:
    """Data Dragon ids for the emitter's item and champion names."""

    def __init__(self) -> None:
        items = ddragon.items(PATCH)
        self.item_id = dict(zip(items["item_name"], items["item_id"], strict=True))
        self.components = dict(zip(items["item_id"], items["components"], strict=True))
        self.gold = dict(zip(items["item_id"], items["gold_total"], strict=True))
        champions = ddragon.champions(PATCH)
        self.champion_id = dict(zip(champions["champion_key"], champions["champion_id"], strict=True))


@dataclass
class Player:
    participant_id: int
    team_id: int
    position: str
    champion: str
    first_core: str
    later_core: tuple[str, ...]
    max_order: str
    vision_per_min: float
    deaths: int
    dpm: float
    gold_per_min: float


class Timeline:
    """Events of one game, collected in any order and bucketed into 60 s frames at the end."""

    def __init__(self) -> None:
        self.events: list[dict] = []

    def add(self, timestamp: float, event_type: str, **fields) -> None:
        self.events.append({"timestamp": int(timestamp), "type": event_type, **fields})


CHAMPION_SUBJECTS = ("first_core_item", "skill_max_order")
"""The pattern types whose subject is a champion."""


def truth() -> list[dict]:
    """The planted effects as JSON-ready records, a champion named as the tables name it (Data Dragon's name:
    `Lee Sin` for the key `LeeSin`)."""
    champions = ddragon.champions(PATCH)
    name_of = dict(zip(champions["champion_key"], champions["champion_name"], strict=True))
    return [{**asdict(effect), "subject": name_of[effect.subject]} if effect.pattern_type in CHAMPION_SUBJECTS
            else asdict(effect) for effect in PLANTED]


SPELLS = {"JUNGLE": ((4, 11),), "BOTTOM": ((4, 7), (4, 21), (4, 6)), "UTILITY": ((4, 14), (4, 3), (4, 7)),
          "TOP": ((4, 12), (4, 14), (4, 6)), "MIDDLE": ((4, 14), (4, 12), (4, 21))}
"""Summoner spell pairs each position picks among (Data Dragon keys: 4 Flash, 11 Smite, 7 Heal, 21 Barrier,
6 Ghost, 14 Ignite, 3 Exhaust, 12 Teleport)."""
RUNE_PAGES = {
    "fighter": ((8000, (8010, 9111, 9105, 8299)), (8400, (8437, 8446, 8444, 8242))),
    "assassin": ((8100, (8112, 8143, 8138, 8135)), (8100, (8128, 8139, 8138, 8105))),
    "mage": ((8200, (8214, 8226, 8210, 8237)), (8100, (8112, 8139, 8138, 8106))),
    "marksman": ((8000, (8021, 9111, 9104, 8014)), (8000, (8005, 9111, 9104, 8014))),
    "ezreal": ((8000, (8005, 9111, 9104, 8014)), (8300, (8351, 8304, 8345, 8347))),
    "tank_support": ((8400, (8439, 8463, 8473, 8242)), (8400, (8465, 8463, 8473, 8453))),
    "enchanter": ((8200, (8214, 8226, 8210, 8237)), (8400, (8465, 8463, 8473, 8453))),
    "tank": ((8400, (8437, 8446, 8444, 8242)), (8400, (8439, 8463, 8473, 8242))),
}
"""Per champion class: two primary paths (style, keystone and three runes), as Data Dragon numbers them."""
SECONDARY = {8000: (8300, (8304, 8347)), 8100: (8200, (8226, 8237)), 8200: (8100, (8139, 8135)),
             8300: (8000, (9111, 8014)), 8400: (8300, (8304, 8347))}
"""The secondary path (style and two runes) taken with each primary path."""


def loadout(rng: random.Random, player: Player) -> dict:
    """A player's `summoner1Id`, `summoner2Id` and `perks` (rune page) as Riot writes them, from its position's
    spell pairs and its class's rune pages."""
    spells = list(rng.choice(SPELLS[player.position]))
    rng.shuffle(spells)
    primary, runes = rng.choice(RUNE_PAGES[CLASS_OF[player.champion]])
    secondary, minor = SECONDARY[primary]
    return {"summoner1Id": spells[0], "summoner2Id": spells[1], "perks": {
        "statPerks": {"defense": 5002, "flex": 5008, "offense": 5005},
        "styles": [{"description": "primaryStyle", "style": primary,
                    "selections": [{"perk": perk, "var1": 0, "var2": 0, "var3": 0} for perk in runes]},
                   {"description": "subStyle", "style": secondary,
                    "selections": [{"perk": perk, "var1": 0, "var2": 0, "var3": 0} for perk in minor]}]}}


def game_rng(seed: int, day: dt.date, number: int) -> random.Random:
    return random.Random(f"lol/{seed}/{day.isoformat()}/{number}")


def match_id_for(day: dt.date, number: int) -> str:
    return f"{PLATFORM}_{day.toordinal()}{number:04d}"


def puuid_of(seed: int, game_id: int, participant_id: int) -> str:
    return f"synthetic-{seed}-{game_id}-{participant_id}"


def pick_two(rng: random.Random, position: str) -> tuple[str, str]:
    """The position's champions of the two teams: two different ones, each drawn by its popularity."""
    champions = [champion for champion, _ in POOL[position]]
    first = rng.choices(champions, weights=pick_weights(position))[0]
    while (second := rng.choices(champions, weights=pick_weights(position))[0]) == first:
        pass
    return first, second


def build_order(rng: random.Random, laters: tuple[str, ...]) -> tuple[str, ...]:
    """The legendaries `laters` in the order a player builds them: each next one drawn among those left, the k-th
    of the class's usual order with weight `LATER_PREFERENCE` ** −k (a Plackett–Luce order)."""
    left = list(laters)
    order = []
    while left:
        order.append(left.pop(rng.choices(range(len(left)), [LATER_PREFERENCE ** -k for k in range(len(left))])[0]))
    return tuple(order)


def draw_players(rng: random.Random, minutes: float, strength: dict[int, float]) -> list[Player]:
    players: list[Player] = []
    for position_index, position in enumerate(POSITIONS):
        champions = pick_two(rng, position)
        for team_index, team_id in enumerate(TEAMS):
            champion = champions[team_index]
            build_class = CLASS_OF[champion]
            firsts, laters, _ = BUILDS[build_class]
            max_order = rng.choice(MAX_ORDERS[build_class])
            mean, spread = VISION_RATE.get(position, OTHER_VISION)
            vision = max(0.05, rng.gauss(mean, spread))
            death_rate = DEATHS_PER_MINUTE
            if position == VISION_DEATHS.subject:
                death_rate *= math.exp(VISION_DEATHS.size * VISION_SCORE_PER_WARD * (vision - mean))
            dpm = DPM_BY_POSITION[position] * math.exp(rng.gauss(0, 0.2)) * ORDER_DPM.get((champion, max_order), 1.0)
            players.append(Player(
                participant_id=team_index * 5 + position_index + 1, team_id=team_id, position=position,
                champion=champion, first_core=rng.choice(firsts), later_core=build_order(rng, laters),
                max_order=max_order, vision_per_min=vision, deaths=poisson(rng, death_rate * minutes), dpm=dpm,
                gold_per_min=rng.gauss(390, 25) + 25 * strength[team_id],
            ))
    return sorted(players, key=lambda p: p.participant_id)


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method, split for large means)."""
    count = 0
    while mean > 30:
        count += round(rng.gauss(30, math.sqrt(30)))
        mean -= 30
    limit, product = math.exp(-mean), rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return max(count, 0)


def add_purchases(timeline: Timeline, rng: random.Random, player: Player, duration_ms: int, names: Names) -> list[int]:
    """The player's shopping: starter, boots, core items with their components (the first at `FIRST_CORE_MINUTES`,
    then one each `CORE_GOLD` earned, as many as the game's length allows), an undo or two, the starter sold (and the
    boots, for a sixth core item in a full inventory), Manamune's transformation. Returns the item ids held at the
    end (item0..item6)."""
    pid = player.participant_id
    build_class = CLASS_OF[player.champion]
    starter = names.item_id[BUILDS[build_class][2]]
    potion = names.item_id["Health Potion"]
    timeline.add(rng.uniform(1000, 15000), "ITEM_PURCHASED", participantId=pid, itemId=starter)
    timeline.add(rng.uniform(15000, 20000), "ITEM_PURCHASED", participantId=pid, itemId=potion)
    held = [starter]
    if rng.random() < 0.15:
        wrong = rng.choice(BUILDS[build_class][0])
        at = rng.uniform(150_000, 290_000)
        timeline.add(at, "ITEM_PURCHASED", participantId=pid, itemId=names.item_id[wrong])
        timeline.add(at + 1500, "ITEM_UNDO", participantId=pid, beforeId=names.item_id[wrong], afterId=0,
                     goldGain=names.gold[names.item_id[wrong]])
    boots_at = rng.uniform(300_000, 480_000)
    timeline.add(boots_at, "ITEM_PURCHASED", participantId=pid, itemId=names.item_id["Boots"])
    final_boots = names.item_id[BOOTS[build_class]]
    timeline.add(boots_at + rng.uniform(180_000, 360_000), "ITEM_PURCHASED", participantId=pid, itemId=final_boots)
    timeline.add(boots_at + 360_000, "ITEM_DESTROYED", participantId=pid, itemId=names.item_id["Boots"])
    held.append(final_boots)
    interval_ms = CORE_GOLD / player.gold_per_min * 60_000
    completed_at = rng.uniform(*FIRST_CORE_MINUTES) * 60_000
    for name in (player.first_core, *player.later_core):
        if completed_at >= duration_ms - 10_000:
            break
        if len(held) == INVENTORY_SLOTS:
            sold = starter if starter in held else final_boots
            timeline.add(completed_at - 500, "ITEM_SOLD", participantId=pid, itemId=sold)
            held.remove(sold)
        item = names.item_id[name]
        for component in names.components[item]:
            bought = completed_at - rng.uniform(30_000, 200_000)
            timeline.add(bought, "ITEM_PURCHASED", participantId=pid, itemId=component)
            if rng.random() < 0.08:
                timeline.add(bought + 2000, "ITEM_UNDO", participantId=pid, beforeId=component, afterId=0,
                             goldGain=names.gold[component])
                timeline.add(bought + 4000, "ITEM_PURCHASED", participantId=pid, itemId=component)
            timeline.add(completed_at, "ITEM_DESTROYED", participantId=pid, itemId=component)
        timeline.add(completed_at, "ITEM_PURCHASED", participantId=pid, itemId=item)
        held.append(item)
        if name == "Manamune" and completed_at + 400_000 < duration_ms:
            timeline.add(completed_at + 400_000, "ITEM_DESTROYED", participantId=pid, itemId=item)
            timeline.add(completed_at + 400_000, "ITEM_PURCHASED", participantId=pid, itemId=names.item_id["Muramana"])
            held[-1] = names.item_id["Muramana"]
        completed_at += interval_ms * rng.uniform(0.85, 1.15)
    if starter in held and rng.random() < 0.6 and duration_ms > 1_500_000:
        timeline.add(rng.uniform(1_200_000, duration_ms - 60_000), "ITEM_SOLD", participantId=pid, itemId=starter)
        held.remove(starter)
    trinket = names.item_id["Oracle Lens" if player.position == "UTILITY" else "Stealth Ward"]
    return (held + [0] * INVENTORY_SLOTS)[:INVENTORY_SLOTS] + [trinket]


def add_skills(timeline: Timeline, rng: random.Random, player: Player, duration_ms: int) -> int:
    """Level-ups: R at 6, 11 and 16; the first three levels take each basic skill once, then the max order.
    Returns the final level."""
    final_level = min(18, 6 + int(duration_ms / 60_000 / 3) + rng.randint(-1, 1))
    first, second, third = player.max_order.split(">")
    opening = [first, second, third]
    rng.shuffle(opening)
    counts = {"Q": 0, "W": 0, "E": 0, "R": 0}
    for level in range(1, final_level + 1):
        at = 5_000 if level == 1 else duration_ms * ((level - 1) / 18) ** 1.3
        if level in (6, 11, 16):
            skill = "R"
        elif level <= 3:
            skill = opening[level - 1]
        else:
            skill = next(s for s in (first, second, third) if counts[s] < 5)
        counts[skill] += 1
        if level > 1:
            timeline.add(at, "LEVEL_UP", participantId=player.participant_id, level=level)
        timeline.add(at + 10, "SKILL_LEVEL_UP", participantId=player.participant_id, skillSlot=SKILLS[skill],
                     levelUpType="NORMAL")
    return final_level


def add_vision(timeline: Timeline, rng: random.Random, player: Player, duration_ms: int) -> tuple[int, int]:
    minutes = duration_ms / 60_000
    actions = poisson(rng, player.vision_per_min * minutes)
    placed = sum(rng.random() < 0.75 for _ in range(actions))
    for _ in range(placed):
        timeline.add(rng.uniform(60_000, duration_ms), "WARD_PLACED", creatorId=player.participant_id,
                     wardType=rng.choice(("YELLOW_TRINKET", "SIGHT_WARD", "CONTROL_WARD")))
    for _ in range(actions - placed):
        timeline.add(rng.uniform(60_000, duration_ms), "WARD_KILL", killerId=player.participant_id,
                     wardType=rng.choice(("YELLOW_TRINKET", "CONTROL_WARD")))
    return placed, actions - placed


def add_kills(timeline: Timeline, rng: random.Random, players: list[Player], duration_ms: int) -> dict[int, list[int]]:
    """One CHAMPION_KILL per death: a random enemy kills, up to three of the killer's teammates assist.
    Returns kills and assists per participant."""
    tally = {p.participant_id: [0, 0] for p in players}
    for victim in players:
        enemies = [p for p in players if p.team_id != victim.team_id]
        for _ in range(victim.deaths):
            killer = rng.choice(enemies)
            helpers = [p.participant_id for p in enemies if p is not killer and rng.random() < 0.3][:3]
            x, y = LANE_SPOTS[victim.position]
            timeline.add(rng.uniform(90_000, duration_ms - 5_000), "CHAMPION_KILL", killerId=killer.participant_id,
                         victimId=victim.participant_id, assistingParticipantIds=helpers, bounty=300,
                         killStreakLength=0, shutdownBounty=0,
                         position={"x": int(x + rng.gauss(0, 800)), "y": int(y + rng.gauss(0, 800))})
            tally[killer.participant_id][0] += 1
            for helper in helpers:
                tally[helper][1] += 1
    return tally


def add_objectives(timeline: Timeline, rng: random.Random, players: list[Player], duration_ms: int,
                   herald_team: int | None) -> list[tuple[int, str, int]]:
    """Dragons, heralds, barons and towers; the first herald goes to `herald_team`, the rest at random.
    Returns (timestamp, monster or TOWER, taking team) of every take."""
    takes: list[tuple[int, str, int]] = []

    def monster(at: float, monster_type: str, team: int, sub_type: str | None = None) -> None:
        killer = rng.choice([p for p in players if p.team_id == team and p.position in ("JUNGLE", "BOTTOM", "MIDDLE")])
        x, y = PIT[monster_type]
        fields = {"monsterSubType": sub_type} if sub_type else {}
        timeline.add(at, "ELITE_MONSTER_KILL", killerId=killer.participant_id, killerTeamId=team,
                     monsterType=monster_type, assistingParticipantIds=[], position={"x": x, "y": y}, **fields)
        takes.append((int(at), monster_type, team))

    at = rng.uniform(300_000, 420_000)
    while at < duration_ms - 30_000:
        monster(at, "DRAGON", rng.choice(TEAMS), rng.choice(DRAGONS))
        at += rng.uniform(300_000, 480_000)
    if herald_team is not None:
        monster(rng.uniform(480_000, 780_000), "RIFTHERALD", herald_team)
        if rng.random() < 0.5:
            monster(rng.uniform(840_000, 1_140_000), "RIFTHERALD", rng.choice(TEAMS))
    if duration_ms > 1_300_000 and rng.random() < 0.7:
        monster(rng.uniform(1_230_000, duration_ms - 20_000), "BARON_NASHOR", rng.choice(TEAMS))
    for lane, tower in rng.sample(TOWERS, rng.randint(3, 8)):
        team = rng.choice(TEAMS)
        at = rng.uniform(600_000, duration_ms - 10_000)
        killer = rng.choice([p for p in players if p.team_id == team])
        timeline.add(at, "BUILDING_KILL", buildingType="TOWER_BUILDING", killerId=killer.participant_id,
                     teamId=300 - team, laneType=lane, towerType=tower, assistingParticipantIds=[],
                     position={"x": 7000, "y": 7000})
        takes.append((int(at), "TOWER", team))
    return takes


def participant_frames(rng: random.Random, players: list[Player], frame_count: int, duration_ms: int,
                       takes: list[tuple[int, str, int]]) -> list[dict[str, dict]]:
    """Ten participant frames per frame: linear gold, xp and damage with a few percent of noise; positions
    within 600 units of the lane, and for the taking team at the pit in the frame closest to a monster take
    (with probability 0.7 each)."""
    gathered: dict[int, list[tuple[tuple[int, int], int]]] = {}
    for at, kind, team in takes:
        if kind in PIT:
            gathered.setdefault(round(at / FRAME_MS), []).append((PIT[kind], team))
    homes = {}
    for p in players:
        x, y = LANE_SPOTS[p.position]
        homes[p.participant_id] = (14800 - x, 14800 - y) if p.team_id == 200 else (x, y)
    noise = rng.random
    frames = []
    for index in range(frame_count):
        minutes = min(index * FRAME_MS, duration_ms) / 60_000
        states = {}
        for p in players:
            x, y = homes[p.participant_id]
            for spot, team in gathered.get(index, ()):
                if team == p.team_id and noise() < 0.7:
                    x, y = spot
            gold = int(500 + p.gold_per_min * minutes * (0.95 + 0.1 * noise()))
            xp = int(420 * minutes * (0.95 + 0.1 * noise()))
            damage = int(p.dpm * minutes * (0.97 + 0.06 * noise()))
            states[str(p.participant_id)] = {
                "participantId": p.participant_id, "totalGold": gold, "currentGold": gold // 10, "xp": xp,
                "level": min(18, 1 + xp // 900), "minionsKilled": int(6 * minutes) if p.position != "UTILITY" else 0,
                "jungleMinionsKilled": int(4 * minutes) if p.position == "JUNGLE" else 0, "goldPerSecond": 0,
                "timeEnemySpentControlled": 0,
                "position": {"x": int(x + 1200 * noise() - 600), "y": int(y + 1200 * noise() - 600)},
                "damageStats": {"totalDamageDoneToChampions": damage, "totalDamageDone": damage * 6,
                                "totalDamageTaken": damage * 9 // 10},
            }
        frames.append(states)
    return frames


def draw_bans(rng: random.Random, players: list[Player], names: Names) -> dict[int, list[dict]]:
    """Each team's five bans (`BanDto`: champion key, pick turn 1–10), drawn by `ban_weights` among the champions
    nobody plays in the game (bans come before picks), a few left unused (-1)."""
    picked = {p.champion for p in players}
    candidates, weights = ban_weights()
    pool = [(name, weight) for name, weight in zip(candidates, weights, strict=True) if name not in picked]
    banned: list[str] = []
    while len(banned) < BANS_PER_TEAM * len(TEAMS):
        name = rng.choices([n for n, _ in pool], weights=[w for _, w in pool])[0]
        banned.append(name)
        pool = [(n, w) for n, w in pool if n != name]
    return {team: [{"championId": -1 if rng.random() < UNUSED_BAN else names.champion_id[name],
                    "pickTurn": index * BANS_PER_TEAM + turn + 1}
                   for turn, name in enumerate(banned[index * BANS_PER_TEAM:(index + 1) * BANS_PER_TEAM])]
            for index, team in enumerate(TEAMS)}


def generate_match(seed: int, day: dt.date, number: int, names: Names) -> tuple[str, dict, dict]:
    """One game: its match id (`EUW1_<day ordinal><4-digit game number>`), `MatchDto` (with the `metadata`
    wrapper, `gameDuration` in seconds) and `MatchTimelineDto` (a frame every minute with its events and ten
    participant frames), as dictionaries.

    Five positions, each with its champions of `lol_pool.POOL` picked by popularity; two teams with a latent strength (which also raises
    their gold and xp); per player a first core item among three mythics, then its class's legendaries in the order
    `build_order` draws, a skill max order among two, wards and deaths at their rates; each team's five bans among the others (`draw_bans`).
    Purchases include starters, components, boots,
    undos and sales; objectives go to either team at random and kills pick a random enemy killer."""
    rng = game_rng(seed, day, number)
    match_id = match_id_for(day, number)
    game_id = int(match_id.split("_")[1])
    duration_ms = int(rng.uniform(*GAME_MINUTES) * 60_000)
    minutes = duration_ms / 60_000
    strength = {team: rng.gauss(0, 0.5) for team in TEAMS}
    players = draw_players(rng, minutes, strength)
    herald_team = rng.choice(TEAMS) if rng.random() < 0.85 else None
    blue_log_odds = strength[100] - strength[200]
    if herald_team is not None:
        blue_log_odds += HERALD_WIN if herald_team == 100 else -HERALD_WIN
    for p in players:
        effect = ITEM_WIN.get((p.champion, p.first_core), 0.0)
        blue_log_odds += effect if p.team_id == 100 else -effect
    winner = 100 if rng.random() < 1 / (1 + math.exp(-blue_log_odds)) else 200

    timeline = Timeline()
    timeline.add(0, "PAUSE_END", realTimestamp=0)
    items, levels, vision = {}, {}, {}
    for p in players:
        items[p.participant_id] = add_purchases(timeline, rng, p, duration_ms, names)
        levels[p.participant_id] = add_skills(timeline, rng, p, duration_ms)
        vision[p.participant_id] = add_vision(timeline, rng, p, duration_ms)
    tally = add_kills(timeline, rng, players, duration_ms)
    takes = add_objectives(timeline, rng, players, duration_ms, herald_team)
    timeline.add(duration_ms, "GAME_END", gameId=game_id, winningTeam=winner, realTimestamp=0)

    frame_count = duration_ms // FRAME_MS + 2
    frames = [{"events": [], "participantFrames": {}, "timestamp": index * FRAME_MS} for index in range(frame_count)]
    frames[-1]["timestamp"] = duration_ms
    for event in sorted(timeline.events, key=lambda e: e["timestamp"]):
        frames[min(-(-event["timestamp"] // FRAME_MS), frame_count - 1)]["events"].append(event)
    for frame, states in zip(frames, participant_frames(rng, players, frame_count, duration_ms, takes), strict=True):
        frame["participantFrames"] = states

    start_ms = int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp() * 1000) + rng.randint(0, 86_400_000 - duration_ms - 120_000)
    puuids = [puuid_of(seed, game_id, p.participant_id) for p in players]
    loadout_rng = random.Random(f"lol/{seed}/{day.isoformat()}/{number}/loadout")
    loadouts = {p.participant_id: loadout(loadout_rng, p) for p in players}
    bans = draw_bans(random.Random(f"lol/{seed}/{day.isoformat()}/{number}/bans"), players, names)
    teams = [{"teamId": team, "win": team == winner, "bans": bans[team],
              "objectives": {"riftHerald": {"first": herald_team == team,
                                            "kills": sum(1 for _, k, t in takes if k == "RIFTHERALD" and t == team)}}}
             for team in TEAMS]
    participants = [{
        "participantId": p.participant_id, "puuid": puuids[p.participant_id - 1],
        "summonerName": f"Player{game_id % 100000}{p.participant_id}", "riotIdGameName": f"Player{p.participant_id}",
        "riotIdTagline": "EUW", "championId": names.champion_id[p.champion], "championName": p.champion,
        "teamId": p.team_id, "teamPosition": p.position, "individualPosition": p.position, "win": p.team_id == winner,
        "kills": tally[p.participant_id][0], "deaths": p.deaths, "assists": tally[p.participant_id][1],
        "champLevel": levels[p.participant_id], "goldEarned": int(500 + p.gold_per_min * minutes),
        "totalDamageDealtToChampions": int(p.dpm * minutes),
        "visionScore": int(sum(vision[p.participant_id]) * VISION_SCORE_PER_WARD),
        "wardsPlaced": vision[p.participant_id][0], "wardsKilled": vision[p.participant_id][1],
        "timePlayed": duration_ms // 1000, **{f"item{i}": item for i, item in enumerate(items[p.participant_id])},
        **loadouts[p.participant_id],
    } for p in players]
    match = {
        "metadata": {"dataVersion": "2", "matchId": match_id, "participants": puuids},
        "info": {"gameCreation": start_ms - 60_000, "gameStartTimestamp": start_ms,
                 "gameEndTimestamp": start_ms + duration_ms, "gameDuration": duration_ms // 1000, "gameId": game_id,
                 "gameMode": "CLASSIC", "gameType": "MATCHED_GAME", "gameVersion": GAME_VERSION, "mapId": 11,
                 "platformId": PLATFORM, "queueId": QUEUE_RANKED_SOLO, "participants": participants, "teams": teams},
    }
    timeline_document = {
        "metadata": {"dataVersion": "2", "matchId": match_id, "participants": puuids},
        "info": {"frameInterval": FRAME_MS, "gameId": game_id, "frames": frames,
                 "participants": [{"participantId": p.participant_id, "puuid": puuids[p.participant_id - 1]}
                                  for p in players]},
    }
    return match_id, match, timeline_document


LADDER = (0.05, 0.17, 0.22, 0.22, 0.17, 0.11, 0.05, 0.007, 0.002, 0.001)
"""The share of ranked solo players in each tier of `TIERS`, as Riot's ladder spreads them (the lower tiers most)."""
MATCHMAKING_SPREAD = 2
"""How many divisions a player's rank may sit from their game's: matchmaking puts players of a rank together."""


def rank_of(score: int) -> tuple[str, str]:
    """The tier and division (`I` for an apex tier, as Riot writes it) of a tier score (`league.tier_score`)."""
    if score >= 4 * TIERS.index(APEX[0]):
        return TIERS[min(score // 4, len(TIERS) - 1)], "I"
    return TIERS[score // 4], DIVISIONS[score % 4]


def league_entries(seed: int, day: dt.date, number: int) -> list[dict]:
    """The solo-queue `LeagueEntryDTO` of each player of game `number` of `day` (as `/lol/league/v4/entries/by-puuid` answers it):
    a game's rank drawn from the ladder (`LADDER`), each player's within `MATCHMAKING_SPREAD` divisions of it. A rank
    changes no outcome: the planted effects hold in every tier alike."""
    rng = random.Random(f"lol/{seed}/{day.isoformat()}/{number}/league")
    tier = rng.choices(range(len(TIERS)), LADDER)[0]
    game = 4 * tier + (0 if TIERS[tier] in APEX else rng.randrange(4))
    entries = []
    game_id = int(match_id_for(day, number).split("_")[1])
    for participant_id in range(1, 2 * len(POSITIONS) + 1):
        score = min(max(game + rng.randint(-MATCHMAKING_SPREAD, MATCHMAKING_SPREAD), 0), 4 * (len(TIERS) - 1))
        tier_name, division = rank_of(score)
        wins = rng.randint(20, 400)
        entries.append({"leagueId": f"synthetic-{tier_name.lower()}", "puuid": puuid_of(seed, game_id, participant_id),
                        "queueType": SOLO,
                        "tier": tier_name, "rank": division, "leaguePoints": rng.randint(0, 99), "wins": wins,
                        "losses": max(0, wins + rng.randint(-30, 30)), "veteran": False, "inactive": False,
                        "freshBlood": False, "hotStreak": False})
    return entries


def generate_day(seed: int, day: dt.date, n_matches: int) -> Iterator[tuple[str, bytes, bytes]]:
    """The day's games as (match id, MatchDto JSON, MatchTimelineDto JSON)."""
    names = Names()
    for number in range(n_matches):
        with bulk_allocation():
            match_id, match, timeline = generate_match(seed, day, number, names)
            encoded = msgspec.json.encode(match), msgspec.json.encode(timeline)
        yield match_id, *encoded


def emit_day(landing_dir: Path, day: dt.date, seed: int, n_matches: int) -> list[Path]:
    """Write the day's games into `landing_dir/<day>/`, each with its players' league entries as the Riot client
    writes them (`<match id>_league.json`), and the planted truth beside them; return the files."""
    folder = landing_dir / day.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, (match_id, match, timeline) in enumerate(generate_day(seed, day, n_matches)):
        league = msgspec.json.encode(league_entries(seed, day, number))
        for name, data in ((f"{match_id}.json", match), (f"{match_id}_timeline.json", timeline),
                           (f"{match_id}{LEAGUE_SUFFIX}.json", league)):
            (folder / name).write_bytes(data)
            written.append(folder / name)
    (folder / TRUTH_FILE).write_text(msgspec.json.format(msgspec.json.encode(truth()), indent=2).decode())
    return written
