"""Pydantic models at the boundaries of the domain."""
