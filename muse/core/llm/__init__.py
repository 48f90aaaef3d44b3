"""Model access: the `ModelClient` protocol and its implementations.

Only `engine` (and later `server`) import torch/transformers; the rest stays light.
"""
