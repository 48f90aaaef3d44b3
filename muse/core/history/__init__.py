"""Conversation history: SQLAlchemy models, the database lifecycle and the repository."""
