"""layerlint: static analysis of Keras model-building code."""

__version__ = "0.1.0"
