"""Optional confirmation: rebuild extracted models in real Keras and compare them with the shaped ones.

May import: every stage up to ``layerlint.rules`` (and ``layerlint.analyze``); imports TensorFlow only when run.
"""
