"""Inspections: verifiable random selection, sampling plans, chain of custody."""
