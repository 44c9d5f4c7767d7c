"""The CDK app of eAkte Migration (see app.py). Resource names and limits come from `eakte.settings`."""

from pathlib import Path

# Asset paths are resolved from the repository root, whatever the working directory is.
ROOT = Path(__file__).resolve().parent.parent
