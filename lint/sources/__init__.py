"""Reading what is linted: files, stdin and notebooks as text, with source positions and preflight.

May import: ``layerlint.diagnostics``.
"""
