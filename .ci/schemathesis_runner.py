"""Runs the Schemathesis command line with one workaround.

Hypothesis describes lambdas by parsing their module's source; on CPython 3.11 that parse
can fail inside the `ast` module ("AST constructor recursion depth mismatch", a
SystemError) for Schemathesis's largest module, and the failure is reported as an error
of the run although it only concerns a label. Such a description falls back to
"lambda: <unknown>"; everything else is Schemathesis as released.
"""

import sys

import hypothesis.internal.lambda_sources as lambda_sources

_describe = lambda_sources._lambda_description


def _describe_or_give_up(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except (SystemError, RecursionError):
        return "lambda: <unknown>"


lambda_sources._lambda_description = _describe_or_give_up

from schemathesis.cli import schemathesis  # noqa: E402

sys.exit(schemathesis())
