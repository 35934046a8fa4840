"""Use cases: the one place where the pure core meets storage, keys and the clock."""
