"""disarm: the verification and transparency regime of a phased nuclear disarmament programme."""

__version__ = "0.1.0"
