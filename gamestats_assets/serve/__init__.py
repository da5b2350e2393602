"""`gamestats serve`: the HTTP API of the design documents over the published PostgreSQL tables (design section 8).

Reads go through the read-only role `gamestats_reader` (`reader`), each answer cached per process under the
publish ids of the tables it read; writes go through the platform's own doors (landing, rosters, overrides).
"""
