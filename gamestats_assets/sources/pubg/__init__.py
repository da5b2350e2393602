"""PUBG API formats: the JSON:API match object, the telemetry event array, the weapon categories."""
