"""The Slack front end: slash commands, direct-message brainstorming, threaded @mentions and
Block Kit buttons, on slack-bolt's AsyncApp (`adapter.SlackAdapter`)."""
