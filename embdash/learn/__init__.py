"""The Learn section's computations: word vectors and analogies, word maps, a model's layers, dimensions."""
