"""Scrutiny: joint inspections of services for children and young people in need of care and protection."""

__version__ = "0.1.0"
