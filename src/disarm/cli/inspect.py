"""`disarm inspect`: verifiable random selection and inspection plans."""

from disarm.cli.app import group

inspect_app = group(
    "inspect", "Inspections: verifiable random selection, plans with detection probabilities."
)
