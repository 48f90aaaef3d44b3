"""Model access: the `ModelClient` protocol and its implementations.

`engine/` (continuous batching on a local model; only its attention, loader, runner and sampler
import torch/transformers) and `server/` (`muse serve-model`, OpenAI-compatible HTTP) are the
heavy parts; the rest stays light.
"""
