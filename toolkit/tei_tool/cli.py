"""The ``tei-tool`` command line: thin click commands over the library modules.

Each command parses its options, calls one library function and prints the
result; errors under :class:`TeiToolError` become a one-line message and
exit status 2, never a traceback.
"""

from __future__ import annotations

import sys

import click

from . import __version__
from .errors import ExitStatus, TeiToolError


class _Group(click.Group):
    """Turns every tei-tool error into ``Error: message`` and exit 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TeiToolError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(ExitStatus.USAGE_OR_IO)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(ExitStatus.USAGE_OR_IO)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tei-tool")
def main() -> None:
    """Validate, publish and export TEI P5 scholarly editions."""


if __name__ == "__main__":
    sys.exit(main())
