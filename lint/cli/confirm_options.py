"""``--confirm`` and ``--assume`` on the command line, shared by ``summary`` and ``check``."""

from __future__ import annotations

import argparse
import sys


def add_confirm_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--confirm", action="store_true",
                        help="rebuild each fully known model in the installed Keras (TensorFlow) and compare it "
                             "layer by layer; your file is never imported or run")
    parser.add_argument("--assume", action="append", default=[], metavar="NAME=VALUE",
                        help="with --confirm: give a symbol a value, e.g. --assume nClasses=10 "
                             "--assume 'input_shape=(224, 224, 3)' (repeatable)")


def prepare_confirm(args: argparse.Namespace) -> bool:
    """Parse --assume and, with --confirm, import Keras once; print why not and return False on failure."""
    if not args.confirm and not args.assume:
        args.assume_values = {}  # the usual run: keep the rebuild machinery out of start-up
        return True
    from layerlint.confirm.compare import TF_HINT, KerasUnavailable, parse_assume, require_keras

    try:
        args.assume_values = parse_assume(args.assume)
    except ValueError as e:
        print(f"layerlint: error: {e}", file=sys.stderr)
        return False
    if args.confirm:
        try:
            require_keras()
        except KerasUnavailable:
            print(f"layerlint: error: {TF_HINT}", file=sys.stderr)
            return False
    return True


def warn_unmatched_assumptions(args: argparse.Namespace) -> None:
    """After a run: say which --assume names matched no symbol of any model (a typo, or a name
    the analysis resolved by itself), and that --assume without --confirm changes nothing."""
    if not args.assume_values or getattr(args, "silent", False) or getattr(args, "quiet", False):
        return
    if not args.confirm:
        print("layerlint: warning: --assume has no effect without --confirm", file=sys.stderr)
        return
    from layerlint.confirm.compare import unmatched_assumptions

    for name in unmatched_assumptions(args.assume_values):
        print(f"layerlint: warning: --assume {name} matched no symbol in the models analysed; "
              "it was not used", file=sys.stderr)
