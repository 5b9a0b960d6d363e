"""The symbolic shape engine: the model graph, symbolic dims, layer families, shapes, weights and masks.

It turns the extracted model (``engine.model``, the graph the front end fills in) into a shaped model.
May import: ``layerlint.diagnostics``, ``layerlint.sources``.
"""
