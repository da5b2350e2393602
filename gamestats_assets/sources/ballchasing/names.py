"""The names a Rocket League player knows for the codes the sources write: arenas by their map code
(`stadium_p` → DFH Stadium), playlists by ballchasing's playlist id (`ranked-standard` → Ranked Standard 3v3) and the
skills the weaknesses are scored on (`boost_management` → Boost management). A code without a name is shown as it
is."""

from __future__ import annotations

MAPS: dict[str, str] = {
    "arc_darc_p": "Starbase ARC (Aftermath)", "arc_p": "ARCtagon", "arc_standard_p": "Starbase ARC",
    "bb_p": "Champions Field (NFL)", "beach_night_grs_p": "Salty Shores (Salty Fest)",
    "beach_night_p": "Salty Shores (Night)", "beach_p": "Salty Shores", "chn_stadium_day_p": "Forbidden Temple (Day)",
    "chn_stadium_p": "Forbidden Temple", "cs_day_p": "Champions Field (Day)", "cs_hw_p": "Rivals Arena",
    "cs_p": "Champions Field", "eurostadium_dusk_p": "Mannfield (Dusk)", "eurostadium_night_p": "Mannfield (Night)",
    "eurostadium_p": "Mannfield", "eurostadium_rainy_p": "Mannfield (Stormy)",
    "eurostadium_snownight_p": "Mannfield (Snowy)", "farm_grs_p": "Farmstead (Pitched)",
    "farm_hw_p": "Farmstead (Spooky)", "farm_night_p": "Farmstead (Night)", "farm_p": "Farmstead",
    "farm_upsidedown_p": "Farmstead (The Upside Down)", "ff_dusk_p": "Estadio Vida (Dusk)",
    "fni_stadium_p": "Forbidden Temple (Fire & Ice)", "haunted_trainstation_p": "Urban Central (Haunted)",
    "hoopsstadium_p": "Dunk House", "hoopsstreet_p": "The Block", "music_p": "Neon Fields",
    "neotokyo_arcade_p": "Neo Tokyo (Arcade)", "neotokyo_hax_p": "Neo Tokyo (Hacked)",
    "neotokyo_p": "Tokyo Underpass", "neotokyo_standard_p": "Neo Tokyo", "neotokyo_toon_p": "Neo Tokyo (Comic)",
    "outlaw_oasis_p": "Deadeye Canyon (Oasis)", "outlaw_p": "Deadeye Canyon",
    "park_bman_p": "Beckwith Park (Gotham Night)", "park_night_p": "Beckwith Park (Midnight)",
    "park_p": "Beckwith Park", "park_rainy_p": "Beckwith Park (Stormy)", "park_snowy_p": "Beckwith Park (Snowy)",
    "shattershot_p": "Core 707", "stadium_10a_p": "DFH Stadium (10th Anniversary)",
    "stadium_day_p": "DFH Stadium (Day)", "stadium_foggy_p": "DFH Stadium (Stormy)", "stadium_p": "DFH Stadium",
    "stadium_race_day_p": "DFH Stadium (Circuit)", "stadium_winter_p": "DFH Stadium (Snowy)",
    "street_p": "Sovereign Heights", "swoosh_p": "Champions Field (Nike FC)",
    "throwbackhockey_p": "Throwback Stadium (Snowy)", "throwbackstadium_p": "Throwback Stadium",
    "trainstation_dawn_p": "Urban Central (Dawn)", "trainstation_night_p": "Urban Central (Night)",
    "trainstation_p": "Urban Central", "trainstation_spooky_p": "Urban Central (Haunted)",
    "uf_day_p": "Futura Garden", "underwater_grs_p": "AquaDome (Salty Shallows)", "underwater_p": "AquaDome",
    "utopiastadium_dusk_p": "Utopia Coliseum (Dusk)", "utopiastadium_lux_p": "Utopia Coliseum (Gilded)",
    "utopiastadium_p": "Utopia Coliseum", "utopiastadium_snow_p": "Utopia Coliseum (Snowy)",
    "wasteland_grs_p": "Wasteland (Pitched)", "wasteland_night_p": "Badlands (Night)",
    "wasteland_night_s_p": "Wasteland (Night)", "wasteland_p": "Badlands", "wasteland_s_p": "Wasteland",
    "woods_night_p": "Drift Woods (Night)", "woods_p": "Drift Woods", "labs_basin_p": "Basin",
    "labs_circlepillars_p": "Pillars", "labs_corridor_p": "Corridor", "labs_cosmic_v4_p": "Cosmic",
    "labs_doublegoal_v2_p": "Double Goal", "labs_galleon_p": "Galleon", "labs_holyfield_p": "Loophole",
    "labs_octagon_02_p": "Octagon", "labs_underpass_p": "Underpass", "labs_utopia_p": "Utopia Retro",
}
"""Arenas by their map code, lower-cased (replays write `Stadium_P`, `stadium_p` or `NeoTokyo_Standard_P`)."""

PLAYLISTS: dict[str, str] = {
    "ranked-duels": "Ranked Duel 1v1", "ranked-doubles": "Ranked Doubles 2v2",
    "ranked-standard": "Ranked Standard 3v3", "ranked-solo-standard": "Ranked Solo Standard 3v3",
    "ranked-hoops": "Ranked Hoops", "ranked-rumble": "Ranked Rumble", "ranked-dropshot": "Ranked Dropshot",
    "ranked-snowday": "Ranked Snow Day", "unranked-duels": "Casual Duel 1v1",
    "unranked-doubles": "Casual Doubles 2v2", "unranked-standard": "Casual Standard 3v3",
    "unranked-chaos": "Casual Chaos 4v4", "hoops": "Hoops", "rumble": "Rumble", "dropshot": "Dropshot",
    "snowday": "Snow Day", "rocketlabs": "Rocket Labs", "heatseeker": "Heatseeker", "gridiron": "Gridiron",
    "knockout": "Knockout", "tournament": "Tournament", "season": "Season", "private": "Private match",
    "offline": "Offline match", "local-lobby": "Local lobby", "training": "Training", "unknown": "Unknown playlist",
}
"""Playlists by ballchasing's playlist id (which raw replays are read into too)."""

SKILLS: dict[str, str] = {
    "shooting": "Shooting", "saves": "Saves", "aerials": "Aerials", "boost_management": "Boost management",
    "positioning": "Positioning", "rotation": "Rotation", "challenges": "Challenges",
}
"""The skills a player's weaknesses are scored on."""


def map_name(code: str | None) -> str | None:
    """The arena a map code stands for, else the code itself (None for none)."""
    return None if not code else MAPS.get(code.lower(), code)


def playlist_name(code: str | None) -> str | None:
    """The playlist a ballchasing playlist id stands for, else the id itself (None for none)."""
    return None if not code else PLAYLISTS.get(code, code)


def skill_name(code: str | None) -> str | None:
    """A skill's name, else its code (None for none)."""
    return None if not code else SKILLS.get(code, code)
