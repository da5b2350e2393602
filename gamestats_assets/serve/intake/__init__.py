"""The files the API lands itself (a Rocket League upload, import, training session or stated rank): where they
land and wait, and the records of the games held, imported and contended."""
