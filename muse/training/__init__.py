"""Training: corpus, tokenizer, pretraining, SFT, evaluation and export of the Muse model."""
