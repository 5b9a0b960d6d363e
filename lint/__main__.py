from layerlint.cli.main import entry

entry()
