"""`disarm declare` and `disarm reveal`: committed declarations and step-by-step reveals."""
