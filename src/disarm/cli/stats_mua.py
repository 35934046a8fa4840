"""`disarm stats` material-accountancy commands (MUF, SITMUF, Page's test)."""
