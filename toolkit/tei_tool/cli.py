"""The ``tei-tool`` command line: thin click commands over the library modules.

Each command parses its options, calls the library and prints what it
returns (validate prints each file's findings as it is checked, behind a
progress bar in a terminal); errors under :class:`TeiToolError` become a
one-line message and exit status 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import sys
from pathlib import Path

import click

from . import __version__, report, schemas, validate, xmlsafe
from .errors import ExitStatus, OutputError, TeiToolError


class _Group(click.Group):
    """Turns every tei-tool error into ``Error: message`` and exit 2."""

    def invoke(self, ctx: click.Context):
        try:
            if sys.stdout is None:
                raise OutputError("standard output is closed")
            return super().invoke(ctx)
        except TeiToolError as exc:
            click.echo(f"Error: {report.one_line(str(exc))}", err=True)
            ctx.exit(ExitStatus.USAGE_OR_IO)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            ctx.exit(ExitStatus.USAGE_OR_IO)
        except OSError as exc:  # standard output full or gone (the library reports its own I/O as TeiToolError)
            _discard_standard_output()
            if not isinstance(exc, BrokenPipeError):  # a reader that stopped early (| head) is no error to report
                click.echo(f"Error: cannot write the output: {exc.strerror or exc}", err=True)
            ctx.exit(ExitStatus.USAGE_OR_IO)


def _discard_standard_output() -> None:
    """Point standard output at the null device, so that the final flush at exit cannot fail again."""
    with contextlib.suppress(OSError, AttributeError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


class _ChoiceOf(click.Choice):
    """A choice among the values of a library constant, looked up when first needed, so that
    declaring one command's options does not import the modules of the others."""

    def __init__(self, module: str, constant: str):
        super().__init__((), case_sensitive=True)
        del self.choices  # the property below gives them
        self._constant = module, constant

    @functools.cached_property
    def choices(self) -> tuple[str, ...]:
        module, constant = self._constant
        return tuple(getattr(importlib.import_module(f".{module}", __package__), constant))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tei-tool")
def main() -> None:
    """Validate, publish and export TEI P5 scholarly editions."""


def _schema_mapping(values: tuple[str, ...]) -> tuple[tuple[str, Path], ...]:
    mapping = []
    for value in values:
        url, sep, local = value.partition("=")
        if not sep or not url or not local:
            raise click.BadParameter(f"expected URL=FILE, got {value!r}", param_hint="--map-schema")
        mapping.append((url, Path(local)))
    return tuple(mapping)


@main.command("validate", short_help="Check TEI files: RELAX NG, Schematron, pointers, dates, lint.")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--schema", type=click.Path(dir_okay=False, path_type=Path),
              help="RELAX NG schema (.rng or .rnc) to use instead of the one each file declares.")
@click.option("--schematron", "schematron_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Schematron file to run instead of the declared ones (repeatable).")
@click.option("--phase", metavar="ID",
              help="Schematron phase to run (its id, or #ALL for every pattern); by default each schema's defaultPhase.")
@click.option("--map-schema", "map_schema", multiple=True, metavar="URL=FILE",
              help="Use a local copy for a remote schema URL (or its file name, e.g. tei_all.rng=/path/tei_all.rng); repeatable.")
@click.option("--authority", "authorities", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Register file (listPerson, listPlace, …) whose xml:ids pointers may name (repeatable).")
@click.option("--only", "only", multiple=True, type=click.Choice(validate.CHECKS),
              help="Run only this check (repeatable); by default all run.")
@click.option("--format", "output_format", type=click.Choice(report.FORMATS), default="text", show_default=True,
              help="Output: text lines, a JSON array of findings, or GitHub Actions annotations.")
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1); an info never fails.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Files checked in parallel (default and at most: the number of CPUs).")
@click.option("--engine", type=click.Choice(schemas.ENGINES), default=schemas.DEFAULT_ENGINE, show_default=True,
              help="RELAX NG engine: tei-tool's own (native), libxml2 (through lxml), or jing (needs Java and jing).")
def validate_command(paths, schema, schematron_files, phase, map_schema, authorities, only, output_format, strict, jobs, engine):
    """Check TEI files for well-formedness, schema validity (RELAX NG and
    Schematron), pointer and id integrity, date values, and untagged names.

    PATH may be a file, a directory (searched for *.xml) or a glob. Exit
    status: 0 when every file is valid, 1 when any is invalid (or has
    warnings, with --strict), 2 on usage or I/O errors.
    """
    options = validate.Options(
        schema_settings=schemas.SchemaSettings(schema=schema, schematron=tuple(schematron_files), mapping=_schema_mapping(map_schema)),
        authorities=tuple(authorities),
        only=frozenset(only or validate.CHECKS),
        engine=engine,
        phase=phase,
    )
    files = validate.expand_paths(paths)
    run = report.RunReport(output_format, source_line=xmlsafe.source_line if sys.stdout.isatty() else None)
    with _progress(validate.validate_paths(files, options, jobs), len(files)) as results:
        for result in results:
            click.echo(run.add(result), nl=False)
    click.echo(run.finish(), nl=False)
    click.echo(run.summary.line(), err=output_format == "json")
    sys.exit(run.summary.exit_status(strict))


def _progress(results, total: int):
    """A progress bar on stderr for long runs in a terminal, else a plain pass-through."""
    if total > 20 and sys.stderr.isatty():
        return click.progressbar(results, length=total, label="Validating", file=sys.stderr)
    return contextlib.nullcontext(results)


def _findings_text(findings) -> str:
    """Findings for stderr as validate shows them: repeats grouped, the source line on a terminal."""
    return report.format_text(findings, source_line=xmlsafe.source_line if sys.stderr.isatty() else None)


@main.command("entities", short_help="Export persons, places, orgs, dates, quotes and works as tables.")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="FILE...")
@click.option("--type", "kind", type=_ChoiceOf("export", "TYPE_CHOICES"),
              default="all", show_default=True, help="Which table to export; 'all' needs -o DIR.")
@click.option("--format", "table_format", type=_ChoiceOf("export", "FORMATS"), default="csv",
              show_default=True, help="CSV (RFC 4180), TSV, a JSON array or JSON Lines.")
@click.option("--output", "-o", default="-", show_default=True, metavar="DIR|-",
              help="Directory for one file per type (persons.csv, …), or - for one type on standard output.")
@click.option("--authority", "authorities", multiple=True, type=click.Path(path_type=Path),
              help="Register file (listPerson, listPlace, listOrg, listBibl) used to resolve pointers (repeatable).")
@click.option("--force", is_flag=True, help="Replace existing output files in DIR.")
def entities_command(paths, kind, table_format, output, authorities, force):
    """Export what the encoding knows about persons, places, organisations,
    dates, quotations and works, for spreadsheets, databases and network
    analysis. Several FILEs are merged by id, with per-file counts.

    Exit status: 0 on success, 2 on unreadable or malformed input or
    unwritable output.
    """
    from . import export

    if output == "-" and kind == "all":
        raise click.UsageError("standard output takes one table: choose --type, or write all with -o DIR")

    def show_problems(problems):
        click.echo(_findings_text(problems), err=True, nl=False)

    if output == "-":
        table = export.export_table(paths, kind, table_format, authorities, on_problems=show_problems)
        sys.stdout.flush()
        sys.stdout.buffer.write(table.encode("utf-8"))  # UTF-8 whatever the locale, as documented
        return
    written = export.export_registers(paths, Path(output), table_format, kind, authorities, force=force, on_problems=show_problems)
    click.echo(f"Wrote {len(written)} file(s) to {output}", err=True)


@main.command("pdf", short_help="Render a TEI file as a PDF book.")
@click.argument("source", type=click.Path(path_type=Path), metavar="FILE")
@click.option("--output", "-o", required=True, type=click.Path(path_type=Path), metavar="OUT.pdf",
              help="The PDF file to write (written atomically).")
@click.option("--variant", type=_ChoiceOf("pdf", "VARIANTS"), default=None,
              help="pdf/a-3b: archival, with the TEI file attached; pdf/ua-1: tagged for accessibility.")
@click.option("--force", is_flag=True, help="Replace OUT.pdf if it exists.")
def pdf_command(source, output, variant, force):
    """Render FILE as a PDF book: title page, contents with page numbers,
    running heads, footnotes, chronology, indexes of persons, places and
    organisations, PDF bookmarks and metadata.

    Exit status: 0 on success, 2 on malformed input, a variant that cannot
    be met, or unwritable output.
    """
    from . import pdf

    written = pdf.render_pdf(source, output, variant=variant, force=force)
    click.echo(f"Wrote {written}", err=True)


@main.command("html", short_help="Publish a TEI file as a static HTML edition with registers.")
@click.argument("source", type=click.Path(path_type=Path), metavar="FILE")
@click.option("--output", "-o", "out_dir", required=True, type=click.Path(path_type=Path), metavar="DIR",
              help="Directory to write the site into (created; replaced only with --force).")
@click.option("--force", is_flag=True, help="Replace DIR if it exists.")
def html_command(source, out_dir, force):
    """Write the HTML edition of FILE into DIR: the reading text, registers
    of persons, places and organisations, a chronology, quotations, the
    bibliography and an about page. Open DIR/index.html from disk or put
    DIR on any web server.

    Exit status: 0 on success, 2 on unreadable, malformed or non-TEI input
    or unwritable output.
    """
    from . import html

    site = html.build_site(source, out_dir, force=force)
    for warning in site.warnings:
        click.echo(str(warning), err=True)
    click.echo(f"Wrote {len(site.pages)} pages to {site.directory}", err=True)


@main.command("build", short_help="Validate a TEI edition, then publish HTML, PDF and entity tables.")
@click.argument("source", type=click.Path(path_type=Path), metavar="FILE")
@click.option("--output", "-o", "out_dir", required=True, type=click.Path(path_type=Path), metavar="DIR",
              help="Directory for html/, <name>.pdf and entities/ (replaced only with --force).")
@click.option("--force", is_flag=True, help="Replace DIR if it exists.")
def build_command(source, out_dir, force):
    """Validate FILE and, if it has no errors, publish it into DIR: the HTML
    edition in DIR/html/, the PDF in DIR/<name>.pdf and the entity tables in
    DIR/entities/. A progress line is printed per step. DIR is written only
    when every step has succeeded.

    Exit status: 0 on success, 1 when FILE has validation errors (they are
    listed), 2 on unreadable input or unwritable output.
    """
    from . import build

    def show(step):
        click.echo(f"  {step.name:<9} {step.seconds:6.2f} s  {out_dir / step.output if step.output else source}", err=True)

    try:
        result = build.build(source, out_dir, force=force, progress=show)
    except build.InvalidEdition as exc:
        click.echo(_findings_text(exc.findings), err=True, nl=False)
        click.echo(f"Error: {exc}", err=True)
        sys.exit(ExitStatus.INVALID)
    click.echo(_findings_text(result.warnings), err=True, nl=False)
    click.echo(f"Built {out_dir} in {result.seconds:.2f} s", err=True)


if __name__ == "__main__":
    sys.exit(main())
