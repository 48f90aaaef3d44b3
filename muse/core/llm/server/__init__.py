"""The OpenAI-compatible model server (`muse serve-model`) over the continuous-batching engine."""
