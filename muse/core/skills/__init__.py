"""Skills: one per task — prompts in Chinese and English, decoding settings, post-processing."""
