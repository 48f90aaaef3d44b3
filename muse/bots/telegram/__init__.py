"""Telegram front end on python-telegram-bot: commands, private brainstorming, group replies."""
