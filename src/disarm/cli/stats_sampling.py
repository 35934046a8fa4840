"""`disarm stats sample-size` and related sampling commands."""
