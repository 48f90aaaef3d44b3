"""Front ends: platform adapters, the terminal and the `muse` command line."""
