"""The ``skfashion`` command line: train, evaluate, predict, export, verify, ...

A thin argparse layer over the public API. Heavy imports (TensorFlow) happen
inside the commands, so ``skfashion --help`` answers at once (a command's
own ``--help`` loads the estimators to show their defaults). Errors a user
can fix (bad arguments, missing or corrupt files, unreadable images) end
the program with one line on stderr and exit status 1 (2 for usage errors);
``--debug`` shows the traceback instead. No command overwrites a file that
exists unless given ``--force``, and each lists the files it wrote.

One module per command holds its options (``configure``) beside its code
(``run``); ``_common`` what they share.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import compare, evaluate, export, predict, train, tune, verify
from ._common import CLIError, HelpFormatter

__all__ = ["build_parser", "main"]

COMMANDS = {
    "train": train,
    "evaluate": evaluate,
    "predict": predict,
    "export": export,
    "verify": verify,
    "compare": compare,
    "tune": tune,
}


def _version() -> str:
    from .. import __version__

    return f"skfashion {__version__}"


def build_parser() -> argparse.ArgumentParser:
    """The parser of every command, each from its own module."""
    # --quiet and --debug work before the command and after it; SUPPRESS keeps a
    # command's parser from resetting what was given before the command.
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print only results and errors",
    )
    shared.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="show the traceback of an error",
    )
    parser = argparse.ArgumentParser(
        prog="skfashion",
        description="Fashion-MNIST networks (MLP, CNN), the scikit-learn way.",
        epilog="Run 'skfashion COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--quiet", "-q", action="store_true", help="print only results and errors"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show the traceback of an error"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for name, command in COMMANDS.items():
        p = sub.add_parser(
            name,
            help=command.HELP,
            description=command.HELP,
            parents=[shared],
            formatter_class=HelpFormatter,
        )
        command.configure(p)
        p.set_defaults(func=command.run)
    return parser


def main(argv=None) -> int:
    """Run the command line; returns the exit status."""
    # TensorFlow's C++ start-up chatter is not for command-line users.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        print("skfashion: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        # ModelFileError and DatasetIntegrityError are ValueErrors; importing
        # them here could fail as the command did (a Keras backend missing).
        if not isinstance(exc, CLIError | ImportError | OSError | ValueError):
            raise
        print(f"skfashion: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1
