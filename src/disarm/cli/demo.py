"""`disarm demo`: the main job on bundled data."""
