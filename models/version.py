"""The editor's version: the one place it is written (pyproject.toml, ``--version``, the bundles read it)."""

VERSION = "0.1.0"
