"""Detection and material-accountancy statistics (pure, vectorised, seeded)."""
