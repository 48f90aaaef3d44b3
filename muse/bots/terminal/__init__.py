"""The terminal front end: `muse chat` (interactive) and `muse ask` (one turn)."""
