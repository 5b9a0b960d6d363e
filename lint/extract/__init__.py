"""Finding model construction: the libcst front end and its interpreter (source -> extracted model).

It fills in the engine's model graph and uses the engine to trace custom layers.
May import: ``layerlint.diagnostics``, ``layerlint.sources``, ``layerlint.engine``.
"""
