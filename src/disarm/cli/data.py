"""`disarm data`: the bundled public data sets."""

from disarm.cli.app import group

data_app = group(
    "data", "Bundled public data: world nuclear forces, New START exchanges, treaty status."
)
