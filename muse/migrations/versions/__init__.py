"""Alembic revisions, applied in order by `muse.core.history.db`."""
