"""The command line: argument parsing, subcommands and exit codes around the runner.

May import: everything in ``layerlint``.
"""
