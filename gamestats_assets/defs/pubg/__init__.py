"""pubg: tournament stats, one dynamic partition per match, published to PostgreSQL schema pubg."""
