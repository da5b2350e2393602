"""Synthetic PUBG matches in the API's real formats: a JSON:API match object and its telemetry array,
with planted killsteals and their truth, and tournaments of such matches (`build_tournament`)."""

from __future__ import annotations

import bisect
import datetime as dt
import gzip
import hashlib
import math
import random
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import msgspec

from gamestats_assets.generator.hashing import stable_key
from gamestats_assets.lib.core.allocation import bulk_allocation

MAP_SIZE_CM = {"Baltic_Main": 816_000, "Desert_Main": 816_000, "Tiger_Main": 816_000, "Neon_Main": 816_000}
ZONE_PHASES = (  # (start of shrink, end of shrink, radius after the shrink), seconds and centimetres
    (300, 420, 230_000), (600, 700, 140_000), (840, 930, 85_000), (1050, 1130, 50_000),
    (1230, 1300, 30_000), (1390, 1450, 15_000), (1530, 1580, 7_500), (1660, 1700, 3_500),
)
PHASE_ENDS = tuple(end for _, end, _ in ZONE_PHASES)
INITIAL_RADIUS = 400_000
WEAPONS = (  # (item id, damage causer id, weight)
    ("Item_Weapon_HK416_C", "WeapHK416_C", 8), ("Item_Weapon_AK47_C", "WeapAK47_C", 5),
    ("Item_Weapon_BerylM762_C", "WeapBerylM762_C", 5), ("Item_Weapon_SCAR-L_C", "WeapSCAR-L_C", 4),
    ("Item_Weapon_Mini14_C", "WeapMini14_C", 4), ("Item_Weapon_SKS_C", "WeapSKS_C", 3),
    ("Item_Weapon_Kar98k_C", "WeapKar98k_C", 3), ("Item_Weapon_M24_C", "WeapM24_C", 2),
    ("Item_Weapon_UMP_C", "WeapUMP_C", 4), ("Item_Weapon_Vector_C", "WeapVector_C", 2),
    ("Item_Weapon_Saiga12_C", "WeapSaiga12_C", 2), ("Item_Weapon_DP28_C", "WeapDP28_C", 1),
    ("Item_Weapon_M1911_C", "WeapM1911_C", 1), ("Item_Weapon_Pan_C", "WeapPan_C", 1),
)
HEALS = ("Item_Heal_Bandage_C", "Item_Heal_FirstAid_C", "Item_Heal_MedKit_C")
BOOSTS = ("Item_Boost_EnergyDrink_C", "Item_Boost_PainKiller_C", "Item_Boost_AdrenalineSyringe_C")
LOOT = ("Item_Ammo_556mm_C", "Item_Ammo_762mm_C", "Item_Armor_D_01_Lv2_C", "Item_Head_F_02_Lv2_C",
        "Item_Back_C_01_Lv3_C", "Item_Heal_Bandage_C", "Item_Boost_EnergyDrink_C", "Item_Weapon_Grenade_C",
        "Item_Weapon_SmokeBomb_C", "Item_Attach_Weapon_Upper_ACOG_01_C")
BODY_PARTS = (("TorsoShot", 1.0, 6), ("ArmShot", 0.6, 3), ("LegShot", 0.55, 3), ("PelvisShot", 0.9, 2),
              ("HeadShot", 2.2, 1))
ZONE_CAUSER = "BattleRoyaleModeController_Def_C"
KILLSTEAL_CHANCE = 0.12
FIGHT_RANGE_CM = 60_000
"""How far apart two teams fight at most, and a third team that steals a kill stands from the first: a team with no
other within it waits until the zone brings one near, so no kill is made from farther than a rifle reaches."""
WALKED_AT_MOST_CM = 100_000
"""The synthetic players' way on foot: from their landing to where they ended, the first kilometre walked and the
rest driven (the match object's `walkDistance` and `rideDistance`)."""
"""Chance that a knocked victim of a fight is finished by a third team instead (a planted killsteal)."""


@dataclass(frozen=True)
class Player:
    account_id: str
    name: str


@dataclass(frozen=True)
class Team:
    """A team as it enters a lobby; `division`/`group` name its tournament place (None in public games)."""

    name: str
    players: tuple[Player, ...]
    division: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class MatchPlan:
    """What a match is made of: its id, start, map, teams (their in-match team ids are 1..n in order)."""

    match_id: str
    created_at: dt.datetime
    map_name: str
    teams: tuple[Team, ...]
    kill_format: str = "LogPlayerKillV2"
    custom: bool = False
    kind: str = "public"
    event_range: tuple[int, int] = (35_000, 45_000)
    """The telemetry is filled with loot, equip and fire events up to a total drawn from this range (a
    range below the simulated events' count adds none)."""
    ranked: bool = False
    """A ranked public lobby (`matchType` `competitive`; an unranked one is `official`)."""


@dataclass
class EmittedMatch:
    """A simulated match: its match object, its telemetry events, and the killsteals planted in it."""

    plan: MatchPlan
    match_document: dict[str, Any]
    events: list[dict[str, Any]]
    planted_killsteals: list[dict[str, Any]] = field(default_factory=list)


def deterministic_id(*parts: object) -> str:
    """A UUID-shaped id determined by `parts`."""
    digest = hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=16).digest()
    return str(uuid.UUID(bytes=digest, version=4))


class _Simulation:
    """The state of one match while it is simulated; `run` returns the emitted match."""

    def __init__(self, plan: MatchPlan, seed: int):
        self.plan = plan
        self.rng = random.Random(stable_key(f"{seed}/{plan.match_id}"))
        self.size = MAP_SIZE_CM.get(plan.map_name, 816_000)
        self.events: list[tuple[float, int, dict[str, Any]]] = []
        self.team_of: dict[str, int] = {}
        self.players: dict[str, Player] = {}
        for team_id, team in enumerate(plan.teams, start=1):
            for player in team.players:
                self.team_of[player.account_id] = team_id
                self.players[player.account_id] = player
        self.health = {a: 100.0 for a in self.players}
        self.alive = set(self.players)
        self.died_at: dict[str, float] = {}
        self.death_type: dict[str, str] = {}
        self.team_out_at: dict[int, float] = {}
        self.stats = {a: {"kills": 0, "DBNOs": 0, "damageDealt": 0.0, "heals": 0, "boosts": 0, "revives": 0,
                          "headshotKills": 0, "longestKill": 0.0, "teamKills": 0, "assists": 0}
                      for a in self.players}
        self.weapon = {a: self.rng.choices(WEAPONS, weights=[w for *_, w in WEAPONS])[0] for a in self.players}
        self.attack_id = 1_000_000
        self.dbno_id = 0
        self.zones = self._zones()
        self.landing: dict[str, tuple[float, float, float]] = {}
        self.killsteals: list[dict[str, Any]] = []
        self.wobbles: dict[tuple[str, int], int] = {}
        self.hit_by: dict[str, set[str]] = {a: set() for a in self.players}
        """The players of other teams who damaged each player in their current life (a kill's assists)."""
        self.last_reason: dict[str, str] = {}
        """The body part of the last damage each player took (a kill's, when it killed)."""

    # --- geometry -------------------------------------------------------------------------------------
    def _zones(self) -> list[tuple[float, float, float]]:
        """Circle centres and radii: the start circle, then one per phase, each inside the previous."""
        cx, cy, radius = self.size / 2, self.size / 2, INITIAL_RADIUS
        circles = [(cx, cy, radius)]
        for _, _, new_radius in ZONE_PHASES:
            angle, reach = self.rng.uniform(0, 2 * math.pi), self.rng.uniform(0, radius - new_radius)
            cx, cy, radius = cx + reach * math.cos(angle), cy + reach * math.sin(angle), new_radius
            circles.append((cx, cy, radius))
        return circles

    def zone_at(self, t: float) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        """(current blue circle, next white circle) at `t` seconds."""
        phase = bisect.bisect_right(PHASE_ENDS, t)
        if phase == len(ZONE_PHASES):
            return self.zones[-1], self.zones[-1]
        current, target = self.zones[phase], self.zones[phase + 1]
        start, end, _ = ZONE_PHASES[phase]
        if t < start:
            return current, target
        share = (t - start) / (end - start)
        (cx, cy, cr), (nx, ny, nr) = current, target
        return (cx + (nx - cx) * share, cy + (ny - cy) * share, cr + (nr - cr) * share), target

    def position(self, account: str, t: float) -> tuple[float, float, float]:
        """Where a player is at `t`: from the landing spot towards the final circle, team members close."""
        lx, ly, _ = self.landing[account]
        fx, fy, _ = self.zones[-1]
        share = min(1.0, max(0.0, (t - 120) / 1600)) ** 0.8
        wobble = self._wobble(account, int(t // 30))
        return (lx + (fx - lx) * share + wobble, ly + (fy - ly) * share - wobble, 300.0 + wobble / 10)

    def _wobble(self, account: str, half_minute: int) -> int:
        """A player's offset from their path during one half-minute, in -1000..999 cm."""
        key = (account, half_minute)
        if key not in self.wobbles:
            self.wobbles[key] = stable_key(f"{account}/{half_minute}") % 2000 - 1000
        return self.wobbles[key]

    # --- event helpers --------------------------------------------------------------------------------
    def character(self, account: str, t: float) -> dict[str, Any]:
        x, y, z = self.position(account, t) if account in self.landing else (self.size / 2, self.size / 2, 150000)
        blue, _ = self.zone_at(t)
        outside = math.hypot(x - blue[0], y - blue[1]) > blue[2]
        return {"name": self.players[account].name, "teamId": self.team_of[account],
                "health": round(self.health[account], 2), "location": {"x": x, "y": y, "z": z}, "ranking": 0,
                "individualRanking": 0, "accountId": account, "isInBlueZone": outside, "isInRedZone": False,
                "zone": []}

    def emit(self, t: float, event_type: str, body: dict[str, Any]) -> None:
        """Record the event `body` at `t` seconds: `body` itself, stamped with the common fields and its type."""
        body["common"] = {"isGame": 1.0 if t < 120 else 2.0}
        body["_D"] = None
        body["_T"] = event_type
        self.events.append((t, len(self.events), body))

    def item(self, item_id: str, category: str, sub_category: str) -> dict[str, Any]:
        return {"itemId": item_id, "stackCount": 1, "category": category, "subCategory": sub_category,
                "attachedItems": []}

    def next_attack(self) -> int:
        self.attack_id += 1
        return self.attack_id

    # --- the match ------------------------------------------------------------------------------------
    def run(self) -> EmittedMatch:
        plan = self.plan
        self.emit(0.0, "LogMatchDefinition", {"MatchId": f"match.bro.custom.{plan.match_id}", "PingQuality": "",
                                             "SeasonState": "progress"})
        for account in self.players:
            self.emit(-60.0, "LogPlayerLogin", {"accountId": account})
            self.emit(-59.0, "LogPlayerCreate", {"character": self.character(account, -59.0)})
        self.emit(0.0, "LogMatchStart", {
            "mapName": plan.map_name, "weatherId": "Clear", "cameraViewBehaviour": "FpsOnly",
            "teamSize": max(len(t.players) for t in plan.teams), "isCustomGame": plan.custom,
            "isEventMode": False, "blueZoneCustomOptions": "[]",
            "characters": [{"character": self.character(a, 0.0), "primaryWeaponFirst": "", "primaryWeaponSecond": "",
                            "secondaryWeapon": "", "spawnKitIndex": 0} for a in self.players]})
        self._land()
        end = self._fights()
        self._periodic(end)
        self._fill(end)
        self._match_end(end)
        return EmittedMatch(plan, self._match_document(end), self._ordered_events(), self.killsteals)

    def _land(self) -> None:
        rng = self.rng
        for team in self.plan.teams:
            tx, ty = rng.uniform(0.15, 0.85) * self.size, rng.uniform(0.15, 0.85) * self.size
            for player in team.players:
                spot = (tx + rng.uniform(-4000, 4000), ty + rng.uniform(-4000, 4000), 300.0)
                self.landing[player.account_id] = spot
                t = rng.uniform(70, 140)
                self.emit(t, "LogParachuteLanding", {"character": self.character(player.account_id, t),
                                                     "distance": rng.uniform(8000, 120000)})

    def _alive_teams(self) -> list[int]:
        return sorted({self.team_of[a] for a in self.alive})

    def _fights(self) -> float:
        """Fights until one team is left; returns the end of the match in seconds.

        Fights start about every `4000 / players` seconds and may overlap in time; a team (and a third team
        that steals a kill) fights again only 45 s after its last fight ended, so its events never interleave.
        """
        rng, t = self.rng, 150.0
        busy_until: dict[int, float] = {}
        teams = len(self.plan.teams)
        mean_gap = 4000.0 / max(1, len(self.players))
        end = t
        while len(self._alive_teams()) > 1:
            t += rng.expovariate(1 / mean_gap) + 2
            rested = [team for team in self._alive_teams() if busy_until.get(team, -1e9) <= t - 45]
            if len(rested) < 2:
                continue
            first = rng.choice(rested)
            here = self.position(self._members(first)[0], t)
            apart = {team: math.dist(here[:2], self.position(self._members(team)[0], t)[:2])
                     for team in rested if team != first}
            second = min(apart, key=apart.__getitem__)
            if apart[second] > FIGHT_RANGE_CM:
                continue
            third = [team for team in rested if team not in (first, second) and apart[team] <= FIGHT_RANGE_CM]
            fight_end, involved = self._fight(t, first, second, third,
                                              late=len(self._alive_teams()) <= max(3, teams // 5))
            for team in involved:
                busy_until[team] = fight_end
            end = max(end, fight_end)
        return end + rng.uniform(5, 20)

    def _members(self, team: int) -> list[str]:
        return sorted(a for a in self.alive if self.team_of[a] == team)

    def _fight(self, t: float, first: int, second: int, third: list[int], late: bool) -> tuple[float, set[int]]:
        """One fight from `t`: the losers shoot back, then some (`late`: all) of them are knocked and
        finished, or revived; returns when it ended and the teams involved."""
        rng = self.rng
        involved = {first, second}
        winners, losers = (first, second) if rng.random() < 0.5 else (second, first)
        loser_members = self._members(losers)
        eliminated = len(loser_members) if late or rng.random() < 0.55 else rng.randint(1, len(loser_members))
        for shooter in self._members(losers):
            target = rng.choice(self._members(winners))
            if self.health[target] > 30:
                t = self._hit(t + rng.uniform(0.5, 2), shooter, target, min(self.health[target] - 10, rng.uniform(10, 45)))
        if rng.random() < 0.35:
            self._throw(t + rng.uniform(0.5, 3), rng.choice(self._members(winners)), "Item_Weapon_SmokeBomb_C")
        for victim in loser_members[:eliminated]:
            t += rng.uniform(1, 6)
            shooter = rng.choice(self._members(winners))
            standing = [m for m in self._members(losers) if m != victim]
            if rng.random() < 0.04 and not standing:
                t = self._zone_death(t, victim)
                continue
            grenade = rng.random() < 0.12
            t = self._knock_or_kill(t, shooter, victim, knock=bool(standing), grenade=grenade)
            if not standing:
                continue
            if rng.random() < 0.12 and len(standing) > 0 and victim != loser_members[eliminated - 1]:
                reviver = rng.choice(standing)
                t += rng.uniform(6, 10)
                self.health[victim] = 10.0
                self.stats[reviver]["revives"] += 1
                self.emit(t, "LogPlayerRevive", {"reviver": self.character(reviver, t),
                                                 "victim": self.character(victim, t), "dBNOId": self.dbno_id})
                continue
            thieves = [m for team in third for m in self._members(team)]
            finisher = shooter
            if thieves and rng.random() < KILLSTEAL_CHANCE:
                finisher = rng.choice(thieves)
                involved.add(self.team_of[finisher])
                self.killsteals.append({"match_id": self.plan.match_id, "killer_account_id": finisher,
                                        "victim_account_id": victim, "knocker_account_id": shooter})
            t = self._finish(t + rng.uniform(2, 12), finisher, victim, shooter)
        return self._after_fight(t, winners), involved

    def _damage_event(self, t: float, attacker: str | None, victim: str, damage: float, causer: str,
                      category: str, reason: str) -> None:
        attack_id = self.next_attack()
        if attacker is not None:
            weapon_item = self.weapon[attacker][0] if causer.startswith("Weap") else "Item_Weapon_Grenade_C"
            self.emit(t - 0.05, "LogPlayerAttack", {
                "attackId": attack_id, "fireWeaponStackCount": 0, "attacker": self.character(attacker, t),
                "attackType": "Weapon", "weapon": self.item(weapon_item, "Weapon", "Main"), "vehicle": None})
        self.health[victim] = max(0.0, self.health[victim] - damage)
        self.last_reason[victim] = reason
        if attacker is not None and self.team_of[attacker] != self.team_of[victim]:
            self.hit_by[victim].add(attacker)
        self.emit(t, "LogPlayerTakeDamage", {
            "attackId": attack_id, "attacker": self.character(attacker, t) if attacker else None,
            "victim": self.character(victim, t), "damageTypeCategory": category, "damageReason": reason,
            "damage": round(damage, 4), "damageCauserName": causer, "isThroughPenetrableWall": False})
        if attacker is not None and self.team_of[attacker] != self.team_of[victim]:
            self.stats[attacker]["damageDealt"] += round(damage, 4)

    def _hit(self, t: float, attacker: str, victim: str, total: float) -> float:
        """Shots from `attacker` that take `total` health from `victim`; returns the time of the last."""
        rng, left = self.rng, total
        while left > 1e-6:
            reason, factor, _ = rng.choices(BODY_PARTS, weights=[w for *_, w in BODY_PARTS])[0]
            damage = min(left, rng.uniform(14, 30) * factor)
            if left - damage < 1:
                damage = left
            t += rng.uniform(0.2, 1.5)
            self._damage_event(t, attacker, victim, damage, self.weapon[attacker][1], "Damage_Gun", reason)
            left -= damage
        return t

    def _throw(self, t: float, thrower: str, item_id: str) -> None:
        self.emit(t, "LogPlayerUseThrowable", {
            "attackId": self.next_attack(), "fireWeaponStackCount": 1, "attacker": self.character(thrower, t),
            "attackType": "Weapon", "weapon": self.item(item_id, "Weapon", "Throwable")})

    def _knock_or_kill(self, t: float, shooter: str, victim: str, knock: bool, grenade: bool) -> float:
        if grenade:
            self._throw(t, shooter, "Item_Weapon_Grenade_C")
            t += 3.0
            damage = min(self.health[victim], self.rng.uniform(40, 90))
            self._damage_event(t, shooter, victim, damage, "ProjGrenade_C", "Damage_Explosion_Grenade", "NonSpecific")
        t = self._hit(t, shooter, victim, self.health[victim])
        causer = self.weapon[shooter][1]
        if knock:
            self.dbno_id += 1
            self.stats[shooter]["DBNOs"] += 1
            self.emit(t, "LogPlayerMakeGroggy", {
                "attackId": self.attack_id, "attacker": self.character(shooter, t), "victim": self.character(victim, t),
                "damageReason": "TorsoShot", "damageTypeCategory": "Damage_Gun", "damageCauserName": causer,
                "damageCauserAdditionalInfo": [], "VictimWeapon": self.weapon[victim][0],
                "VictimWeaponAdditionalInfo": [], "distance": self._distance(shooter, victim, t),
                "isAttackerInVehicle": False, "dBNOId": self.dbno_id, "isThroughPenetrableWall": False})
            self.health[victim] = 100.0
            return t
        return self._kill(t, shooter, victim, knocker=None, causer=causer, category="Damage_Gun")

    def _finish(self, t: float, finisher: str, victim: str, knocker: str) -> float:
        """A knocked `victim` (knocked by `knocker`) shot until dead by `finisher`."""
        t = self._hit(t, finisher, victim, self.health[victim])
        return self._kill(t, finisher, victim, knocker=knocker, causer=self.weapon[finisher][1], category="Damage_Gun")

    def _zone_death(self, t: float, victim: str) -> float:
        while self.health[victim] > 1e-6:
            t += 1.0
            self._damage_event(t, None, victim, min(self.health[victim], 7.5), ZONE_CAUSER, "Damage_BlueZone",
                               "NonSpecific")
        return self._kill(t, None, victim, knocker=None, causer=ZONE_CAUSER, category="Damage_BlueZone")

    def _distance(self, a: str, b: str, t: float) -> float:
        return math.dist(self.position(a, t), self.position(b, t))

    def _kill(self, t: float, killer: str | None, victim: str, knocker: str | None, causer: str, category: str) -> float:
        distance = self._distance(killer, victim, t) if killer else 0.0
        reason = self.last_reason.get(victim, "TorsoShot") if killer else "NonSpecific"
        assists = sorted(a for a in self.hit_by[victim] if killer and a != killer
                         and self.team_of[a] == self.team_of[killer]) if killer else []
        info = {"damageReason": reason, "damageTypeCategory": category,
                "damageCauserName": causer, "additionalInfo": [], "distance": distance,
                "isThroughPenetrableWall": False}
        victim_character = self.character(victim, t)
        killer_character = self.character(killer, t) if killer else None
        dbno_id = self.dbno_id if knocker else -1
        if self.plan.kill_format == "LogPlayerKill":
            body = {"attackId": self.attack_id, "killer": killer_character or {}, "victim": victim_character,
                    "assistant": self.character(assists[0], t) if assists else {}, "dBNOId": dbno_id,
                    "damageReason": info["damageReason"],
                    "damageTypeCategory": category, "damageCauserName": causer, "damageCauserAdditionalInfo": [],
                    "distance": distance, "victimGameResult": {"rank": 0, "gameResult": "dead",
                                                               "teamId": self.team_of[victim], "accountId": victim}}
        else:
            body = {"attackId": self.attack_id, "dBNOId": dbno_id,
                    "victimGameResult": {"rank": 0, "gameResult": "dead", "teamId": self.team_of[victim],
                                         "accountId": victim},
                    "victim": victim_character, "victimWeapon": self.weapon[victim][0],
                    "victimWeaponAdditionalInfo": [],
                    "dBNOMaker": self.character(knocker, t) if knocker else None,
                    "dBNODamageInfo": info if knocker else None,
                    "finisher": killer_character, "finishDamageInfo": info if killer else None,
                    "killer": killer_character, "killerDamageInfo": info,
                    "assists_AccountId": assists, "teamKillers_AccountId": [], "isSuicide": False}
        self.emit(t, self.plan.kill_format, body)
        if killer:
            self.stats[killer]["kills"] += 1
            self.stats[killer]["headshotKills"] += reason == "HeadShot"
            self.stats[killer]["longestKill"] = max(self.stats[killer]["longestKill"], distance / 100)
            for assistant in assists:
                self.stats[assistant]["assists"] += 1
        self.alive.discard(victim)
        self.died_at[victim] = t
        self.death_type[victim] = "byplayer" if killer else "byzone"
        team = self.team_of[victim]
        if not self._members(team):
            self.team_out_at[team] = t
        return t

    def _after_fight(self, t: float, winners: int) -> float:
        """Winners below full health heal (and often boost); returns when they are done."""
        rng = self.rng
        for member in self._members(winners):
            if self.health[member] >= 95:
                continue
            t += rng.uniform(1, 4)
            heal = HEALS[0] if self.health[member] > 70 else rng.choice(HEALS[1:])
            self.emit(t, "LogItemUse", {"character": self.character(member, t), "item": self.item(heal, "Use", "Heal")})
            self.stats[member]["heals"] += 1
            for _ in range(rng.randint(2, 5)):
                t += rng.uniform(0.5, 1.5)
                amount = min(100 - self.health[member], rng.uniform(5, 20))
                self.health[member] += amount
                self.emit(t, "LogHeal", {"character": self.character(member, t),
                                         "item": self.item(heal, "Use", "Heal"), "healAmount": round(amount, 3)})
            if rng.random() < 0.6:
                boost = rng.choice(BOOSTS)
                self.emit(t + 1, "LogItemUse", {"character": self.character(member, t + 1),
                                                "item": self.item(boost, "Use", "Boost")})
                self.stats[member]["boosts"] += 1
        return t + 1

    def _periodic(self, end: float) -> None:
        """Positions of every living player and the zone state, every 10 seconds."""
        alive_count = len(self.players)
        deaths = sorted(self.died_at.values())
        for step in range(0, int(end // 10) + 1):
            t = step * 10.0
            while deaths and deaths[0] <= t:
                deaths.pop(0)
                alive_count -= 1
            blue, white = self.zone_at(t)
            teams_alive = len({self.team_of[a] for a in self.players if self.died_at.get(a, 1e9) > t})
            self.emit(t + 0.5, "LogGameStatePeriodic", {"gameState": {
                "elapsedTime": int(t), "numAliveTeams": teams_alive, "numJoinPlayers": len(self.players),
                "numStartPlayers": len(self.players), "numAlivePlayers": alive_count,
                "safetyZonePosition": {"x": blue[0], "y": blue[1], "z": 0}, "safetyZoneRadius": blue[2],
                "poisonGasWarningPosition": {"x": white[0], "y": white[1], "z": 0}, "poisonGasWarningRadius": white[2],
                "redZonePosition": {"x": 0, "y": 0, "z": 0}, "redZoneRadius": 0,
                "blackZonePosition": {"x": 0, "y": 0, "z": 0}, "blackZoneRadius": 0}})
            if t < 150:
                continue
            for account in self.players:
                if self.died_at.get(account, 1e9) > t:
                    self.emit(t + 0.7, "LogPlayerPosition", {"character": self.character(account, t), "vehicle": None,
                                                             "elapsedTime": t, "numAlivePlayers": alive_count})

    def _fill(self, end: float) -> None:
        """Loot pickups, equips, missed shots and fire counts of living players, up to the match's event total."""
        rng = self.rng
        target = rng.randint(*self.plan.event_range)
        accounts = sorted(self.players)
        kinds = ("LogItemPickup", "LogItemPickup", "LogPlayerAttack", "LogPlayerAttack", "LogItemEquip",
                 "LogWeaponFireCount")
        draw = rng.random

        def pick(options: Sequence[Any]) -> Any:
            return options[int(draw() * len(options))]

        while len(self.events) < target - 1:
            account = pick(accounts)
            t = rng.uniform(125, min(end, self.died_at.get(account, end)) - 0.1)
            kind = pick(kinds)
            if kind == "LogItemPickup":
                body = {"character": self.character(account, t), "item": self.item(pick(LOOT), "Equipment", "None"),
                        "carePackageUniqueId": 0}
            elif kind == "LogItemEquip":
                body = {"character": self.character(account, t), "item": self.item(self.weapon[account][0], "Weapon", "Main")}
            elif kind == "LogWeaponFireCount":
                body = {"character": self.character(account, t), "weaponId": self.weapon[account][0],
                        "fireCount": 1 + int(draw() * 60)}
            else:
                body = {"attackId": self.next_attack(), "fireWeaponStackCount": 1 + int(draw() * 300),
                        "attacker": self.character(account, t), "attackType": "Weapon",
                        "weapon": self.item(self.weapon[account][0], "Weapon", "Main"), "vehicle": None}
            self.emit(t, kind, body)

    def _placements(self) -> dict[int, int]:
        """Team id → rank: the last team out is 1st."""
        order = sorted(self.team_out_at, key=lambda team: -self.team_out_at[team])
        winners = [team for team in range(1, len(self.plan.teams) + 1) if team not in self.team_out_at]
        return {team: rank for rank, team in enumerate(winners + order, start=1)}

    def _match_end(self, end: float) -> None:
        self.emit(end, "LogMatchEnd", {"characters": [{"character": self.character(a, end)} for a in self.players],
                                       "gameResultOnFinished": {"results": []}})

    def _ordered_events(self) -> list[dict[str, Any]]:
        """The events in time order, each stamped `_D` as the API does: `2026-03-03T19:02:00.250Z`, UTC to the
        millisecond, truncated."""
        start = (self.plan.created_at + dt.timedelta(seconds=60)).replace(tzinfo=None)
        ordered = sorted(self.events, key=lambda item: (item[0], item[1]))
        for t, _, event in ordered:
            event["_D"] = (start + dt.timedelta(seconds=t)).isoformat(timespec="milliseconds") + "Z"
        return [event for *_, event in ordered]

    def _match_document(self, end: float) -> dict[str, Any]:
        plan, placements = self.plan, self._placements()
        kill_rank = {a: i for i, a in enumerate(sorted(self.players, key=lambda a: -self.stats[a]["kills"]), start=1)}
        participants, rosters = [], []
        participant_ids = {a: deterministic_id(plan.match_id, "participant", a) for a in self.players}
        for account, player in self.players.items():
            team, stats = self.team_of[account], self.stats[account]
            survived = self.died_at.get(account, end)
            way = math.dist(self.landing[account][:2], self.position(account, survived)[:2])
            participants.append({"type": "participant", "id": participant_ids[account], "attributes": {"stats": {
                "DBNOs": stats["DBNOs"], "assists": stats["assists"], "boosts": stats["boosts"],
                "damageDealt": round(stats["damageDealt"], 4), "deathType": self.death_type.get(account, "alive"),
                "headshotKills": stats["headshotKills"], "heals": stats["heals"], "killPlace": kill_rank[account],
                "killStreaks": 0,
                "kills": stats["kills"], "longestKill": round(stats["longestKill"], 3), "name": player.name,
                "playerId": account, "revives": stats["revives"],
                "rideDistance": round(max(0.0, way - WALKED_AT_MOST_CM) / 100, 3), "roadKills": 0,
                "swimDistance": 0, "teamKills": 0, "timeSurvived": round(survived, 3), "vehicleDestroys": 0,
                "walkDistance": round(min(way, WALKED_AT_MOST_CM) / 100, 3),
                "weaponsAcquired": 3, "winPlace": placements[team]}}, "actor": "", "shardId": "steam"})
        for team_id, team in enumerate(plan.teams, start=1):
            rosters.append({"type": "roster", "id": deterministic_id(plan.match_id, "roster", team_id), "attributes": {
                "stats": {"rank": placements[team_id], "teamId": team_id},
                "won": "true" if placements[team_id] == 1 else "false", "shardId": "steam"},
                "relationships": {"team": {"data": None}, "participants": {"data": [
                    {"type": "participant", "id": participant_ids[p.account_id]} for p in team.players]}}})
        asset_id = deterministic_id(plan.match_id, "asset")
        published = plan.created_at + dt.timedelta(seconds=end + 120)
        asset = {"type": "asset", "id": asset_id, "attributes": {
            "name": "telemetry", "description": "", "createdAt": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "URL": f"https://telemetry-cdn.pubg.com/bluehole-pubg/steam/{published:%Y/%m/%d/%H/%M}/{asset_id}-telemetry.json"}}
        return {
            "data": {"type": "match", "id": plan.match_id, "attributes": {
                "createdAt": plan.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"), "duration": int(end),
                "gameMode": "squad-fpp", "mapName": plan.map_name, "isCustomMatch": plan.custom,
                "matchType": "custom" if plan.custom else "competitive" if plan.ranked else "official",
                "seasonState": "progress", "shardId": "steam",
                "stats": None, "tags": None, "titleId": "bluehole-pubg"},
                "relationships": {"rosters": {"data": [{"type": "roster", "id": r["id"]} for r in rosters]},
                                  "assets": {"data": [{"type": "asset", "id": asset_id}]}},
                "links": {"self": f"https://api.pubg.com/shards/steam/matches/{plan.match_id}"}},
            "included": [*participants, *rosters, asset],
            "links": {"self": f"https://api.pubg.com/shards/steam/matches/{plan.match_id}"},
            "meta": {},
        }


@bulk_allocation()
def emit_match(plan: MatchPlan, seed: int) -> EmittedMatch:
    """Simulate `plan`: the same match object and telemetry for the same seed and match id.

    Players land, move towards the final circle, the zone shrinks in phases, and teams meet in fights
    (shots, hits, knocks, revives, kills, throwables, heals) until one team is left; loot pickups, equips
    and fire counts fill the stream to the plan's event range. The match object's participant statistics
    are counted from the same simulation, so telemetry and match object agree. In some fights a player of a
    third team finishes a player the winning team knocked: a killsteal, recorded as truth."""
    return _Simulation(plan, seed).run()


def public_match_plan(match_id: str, created_at: dt.datetime, seed: int, teams: int = 25,
                      event_range: tuple[int, int] = (35_000, 45_000)) -> MatchPlan:
    """A public squad match of `teams` random teams of 4 (100 players for 25 teams)."""
    rng = random.Random(stable_key(f"{seed}/plan/{match_id}"))
    lobby = tuple(
        Team(f"public-{n}", tuple(
            Player(f"account.{stable_key(f'{seed}/{match_id}/{n}/{k}'):032x}"[:40], f"Player_{rng.randrange(10**6):06d}")
            for k in range(4)))
        for n in range(teams))
    return MatchPlan(match_id, created_at, rng.choice(sorted(MAP_SIZE_CM)), lobby, event_range=event_range)


def write_match(emitted: EmittedMatch, landing: Path) -> tuple[Path, Path]:
    """Write the match object to `landing/matches/<id>.json` and the telemetry (gzip) to
    `landing/telemetry/<id>.json.gz`; return both paths."""
    match_id = emitted.plan.match_id
    match_path = landing / "matches" / f"{match_id}.json"
    telemetry_path = landing / "telemetry" / f"{match_id}.json.gz"
    match_path.parent.mkdir(parents=True, exist_ok=True)
    telemetry_path.parent.mkdir(parents=True, exist_ok=True)
    match_path.write_bytes(msgspec.json.encode(emitted.match_document))
    telemetry_path.write_bytes(gzip.compress(msgspec.json.encode(emitted.events), compresslevel=1))
    return match_path, telemetry_path


# --- tournament -------------------------------------------------------------------------------------------
LATE_START = dt.timedelta(minutes=40)
"""How late the one late lobby of a season starts after its slot: beyond the 30 minutes within which a match
confirms its slot by itself."""


@dataclass(frozen=True)
class Tournament:
    """A season's organisation and the lobbies played in it (as `MatchPlan`s with their expected context)."""

    season_id: str
    divisions: tuple[str, ...]
    teams: tuple[Team, ...]
    rounds: tuple[dict[str, Any], ...]
    schedule: tuple[dict[str, Any], ...]
    plans: tuple[MatchPlan, ...]
    expected_context: dict[str, dict[str, Any]]
    overrides: tuple[dict[str, Any], ...] = ()
    """The organiser's corrections (rows of `pubg.tournament_match_overrides`); `expected_context` is the
    context with them applied."""

    def definition(self) -> dict[str, Any]:
        """The organiser's file: season, divisions, groups, teams with rosters, rounds and the schedule."""
        return {
            "season": {"season_id": self.season_id, "name": f"Season {self.season_id}"},
            "divisions": [{"division_id": d, "name": d} for d in self.divisions],
            "groups": [{"division_id": d, "group_id": g, "name": f"Group {g}"}
                       for d, g in sorted({(t.division, t.group) for t in self.teams})],
            "teams": [{"team_name": t.name, "division_id": t.division, "group_id": t.group,
                       "players": [asdict(p) for p in t.players]} for t in self.teams],
            "rounds": list(self.rounds),
            "schedule": list(self.schedule),
        }


def build_tournament(seed: int, first_day: dt.date, divisions: Sequence[str] = ("Pro", "Challenger"),
                     rounds: int = 2, matches_per_round: int = 6, teams_per_group: int = 16,
                     event_range: tuple[int, int] = (35_000, 45_000)) -> Tournament:
    """A season of `divisions` (one group `A` each, `teams_per_group` teams of 4), `rounds` rounds
    on consecutive days from `first_day`, `matches_per_round` scheduled slots a group and round (19:00
    UTC, every 45 minutes, maps in rotation), all of them played, two minutes after the slot except the
    last slot of round 1 of the first division, played `LATE_START` late, which the organiser confirms
    for its slot with an override; plus, in round 1, a remake lobby of 6 teams at the first slot of the
    first division, a warm-up lobby of 4 teams an hour before it, and a lobby mixing the first two
    divisions at 23:30. Every lobby's telemetry is filled to `event_range`."""
    season_id = f"S{first_day:%Y}-{seed % 1000:03d}"
    maps = sorted(MAP_SIZE_CM)
    teams = tuple(
        Team(f"{division[:3].upper()}-{n:02d}", tuple(
            Player(f"account.{stable_key(f'{seed}/{season_id}/{division}/{n}/{k}'):016x}{k:016x}",
                   f"{division[:3]}{n:02d}_p{k}") for k in range(4)), division, "A")
        for division in divisions for n in range(1, teams_per_group + 1))
    round_rows, schedule, plans, expected, overrides = [], [], [], {}, []
    late_slot = f"{season_id}-R1-{divisions[0]}-A-{matches_per_round}"
    for number in range(1, rounds + 1):
        day = first_day + dt.timedelta(days=number - 1)
        round_rows.append({"round_id": f"{season_id}-R{number}", "name": f"Round {number}", "date": day.isoformat()})
        for division in divisions:
            lobby = tuple(t for t in teams if t.division == division)
            for slot in range(1, matches_per_round + 1):
                at = dt.datetime.combine(day, dt.time(19), dt.UTC) + dt.timedelta(minutes=45 * (slot - 1))
                slot_id = f"{season_id}-R{number}-{division}-A-{slot}"
                map_name = maps[(slot - 1) % len(maps)]
                schedule.append({"slot_id": slot_id, "round_id": f"{season_id}-R{number}", "division_id": division,
                                 "group_id": "A", "match_number": slot, "scheduled_at": at.isoformat(),
                                 "map_name": map_name})
                match_id = deterministic_id(seed, season_id, slot_id)
                late = slot_id == late_slot
                plans.append(MatchPlan(match_id, at + (LATE_START if late else dt.timedelta(minutes=2)), map_name,
                                       lobby, "LogPlayerKill", True, "scheduled", event_range))
                expected[match_id] = {"status": "confirmed", "slot_id": slot_id, "division_id": division,
                                      "group_id": "A", "round_id": f"{season_id}-R{number}", "overridden": late}
                if late:
                    reason = f"started {LATE_START.seconds // 60} minutes late after a server restart"
                    overrides.append({"match_id": match_id, "slot_id": slot_id, "status": "confirmed",
                                      "reason": reason})
    first = [t for t in teams if t.division == divisions[0]]
    day1 = dt.datetime.combine(first_day, dt.time(19), dt.UTC)
    specials = [
        ("remake", day1 - dt.timedelta(minutes=1), tuple(first[:6]), maps[0],
         {"status": "remake_candidate", "division_id": divisions[0], "group_id": "A"}),
        ("warmup", day1 - dt.timedelta(hours=1), tuple(first[6:10]), maps[1],
         {"status": "remake_candidate", "division_id": divisions[0], "group_id": "A"}),
    ]
    if len(divisions) > 1:
        second = [t for t in teams if t.division == divisions[1]]
        specials.append(("mixed", day1 + dt.timedelta(hours=4, minutes=30), tuple(first[:8] + second[:8]), maps[2],
                         {"status": "mixed_division"}))
    for kind, at, lobby, map_name, context in specials:
        match_id = deterministic_id(seed, season_id, kind)
        plans.append(MatchPlan(match_id, at, map_name, lobby, "LogPlayerKill", True, kind, event_range))
        expected[match_id] = context
    return Tournament(season_id, tuple(divisions), teams, tuple(round_rows), tuple(schedule), tuple(plans), expected,
                      tuple(overrides))


def write_tournament(tournament: Tournament, landing: Path, seed: int) -> list[str]:
    """Write the organiser's file (`landing/tournament/<season>.json`), every lobby's match object and
    telemetry, and the planted killsteals and expected contexts (`landing/truth/<match id>.json`);
    return the match ids written. Matches already on disk are left as they are."""
    folder = landing / "tournament"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{tournament.season_id}.json").write_bytes(msgspec.json.format(msgspec.json.encode(tournament.definition()), indent=2))
    written = []
    for plan in tournament.plans:
        if (landing / "matches" / f"{plan.match_id}.json").exists():
            continue
        emitted = emit_match(plan, seed)
        write_match(emitted, landing)
        write_truth(emitted, landing, tournament.expected_context.get(plan.match_id))
        written.append(plan.match_id)
    return written


def write_truth(emitted: EmittedMatch, landing: Path, context: dict[str, Any] | None = None) -> Path:
    """The planted killsteals (and the expected tournament context) of a match, beside the landing files."""
    path = landing / "truth" / f"{emitted.plan.match_id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msgspec.json.encode({"match_id": emitted.plan.match_id, "kind": emitted.plan.kind,
                                   "planted_killsteals": emitted.planted_killsteals, "expected_context": context}))
    return path
