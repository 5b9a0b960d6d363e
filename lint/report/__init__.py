"""Output: model summaries and the diagnostic formats for people, CI systems and editors.

May import: every stage up to ``layerlint.rules`` (and ``layerlint.analyze``); never the runner or cli.
"""
