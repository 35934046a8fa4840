"""Frozen value types of the domain (quantities, and later parties, categories, declarations)."""

from disarm.model.quantity import Qualifier, Quantity, parse_quantity

__all__ = ["Qualifier", "Quantity", "parse_quantity"]
