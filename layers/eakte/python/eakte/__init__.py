"""eAkte Migration: the shared domain library (models, ports, logic, adapters)."""
