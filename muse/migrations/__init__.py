"""Alembic migrations of the history tables; a package so that installs carry them."""
