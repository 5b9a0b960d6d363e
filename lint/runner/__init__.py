"""The many-files shell: discovery, configuration, cache, parallel jobs, and applying rules to each file.

May import: every stage package, ``layerlint.report`` and ``layerlint.confirm``; never ``layerlint.cli``.
"""
