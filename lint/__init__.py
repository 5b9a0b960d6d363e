"""layerlint: static analysis of Keras model-building code.

A file flows one way through the stage packages, and each may import only the
ones listed before it (``tests/test_layout.py`` enforces this):

- ``diagnostics``: the finding record every later stage shares (a leaf module).
- ``sources``: reading files, stdin and notebooks into text with source positions.
- ``engine``: the model graph, symbolic dims and the shape engine with its layer families
  (extracted model -> shaped model).
- ``extract``: finding model construction in the libcst tree (source -> extracted model), in the
  engine's vocabulary.
- ``analyze``: one file through sources, extract and engine.
- ``rules``: the rule catalogue over shaped models (shaped model -> diagnostics).
- ``report``: summaries and diagnostic formats (-> text for people, CI and editors).
- ``confirm``: optional rebuild of extracted models in real Keras.
- ``runner``: the many-files shell: discovery, configuration, cache, parallel jobs.
- ``cli``: the command line around all of it.
"""

__version__ = "0.1.0"
