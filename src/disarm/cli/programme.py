"""`disarm programme`, `disarm comply`, `disarm report`: programmes and compliance."""

from disarm.cli.app import group

programme_app = group("programme", "Programme files: validate, show and lint phased obligations.")
