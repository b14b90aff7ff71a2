"""The `scrutiny` command line (shared/spec/cli.md).

Exit status: 0 success; 2 invalid input, one line per problem on standard error and
no traceback; 1 anything else.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from scrutiny.core.bundle import (
    Bundle,
    BundleInvalid,
    bundle_json_schema,
    dump_bundle,
    parse_bundle,
)
from scrutiny.core.demo import make_demo
from scrutiny.core.evaluation import Evaluation, evaluate
from scrutiny.core.methodology import load_programme

EXIT_INVALID = 2


class InvalidInput(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except InvalidInput as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:  # `scrutiny evaluate x | head` is not an error
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scrutiny",
        description="Joint inspections of services for children and young people in need of "
        "care and protection.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check a bundle; print ok or every problem")
    p.add_argument("bundle", metavar="BUNDLE", help="bundle file, or - for standard input")
    p.set_defaults(run=_validate)

    p = sub.add_parser("evaluate", help="evaluate the indicators of a bundle")
    p.add_argument("bundle", metavar="BUNDLE", help="bundle file, or - for standard input")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=_evaluate)

    p = sub.add_parser("report", help="write the inspection report")
    p.add_argument("bundle", metavar="BUNDLE", help="bundle file, or - for standard input")
    p.add_argument("--format", required=True, choices=["html", "pdf", "docx", "md"])
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    p.add_argument(
        "--version",
        choices=["public", "internal", "young-people"],
        # The CLI contract says the report shows evaluate's figures and wording; only the
        # internal version does so exactly (public versions suppress small numbers).
        default="internal",
        help="internal (default: evaluate's exact figures, with evidence references), public "
        "(for publication: no evidence references, small numbers suppressed) or young-people "
        "(a short plain-language summary)",
    )
    p.add_argument("--template", metavar="DOCX", help="an organisation's Word template (docx only)")
    p.set_defaults(run=_report)

    p = sub.add_parser("schema", help="print a JSON Schema")
    p.add_argument("what", choices=["bundle"])
    p.set_defaults(run=_schema)

    p = sub.add_parser(
        "import", help="create an inspection in the web app's database from a bundle"
    )
    p.add_argument("bundle", metavar="BUNDLE", help="bundle file, or - for standard input")
    p.set_defaults(run=_import)

    p = sub.add_parser("export", help="write an inspection from the web app's database as a bundle")
    p.add_argument("reference", help="the inspection's reference, e.g. JI-0001")
    p.add_argument("-o", "--output", default="-", metavar="FILE", help="file to write (default -)")
    p.set_defaults(run=_export)

    p = sub.add_parser("demo", help="write a realistic synthetic bundle")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write, or -")
    p.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    p.add_argument("--records", type=int, default=100, help="children's records (default 100)")
    p.set_defaults(run=_demo)
    return parser


def _read_bundle(source: str) -> Bundle:
    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as exc:
        raise InvalidInput([f"{source}: cannot read: {exc.strerror}"]) from None
    try:
        return parse_bundle(data)
    except BundleInvalid as exc:
        raise InvalidInput(exc.problems) from None


def _validate(args: argparse.Namespace) -> None:
    _read_bundle(args.bundle)
    print("ok")


def _evaluate(args: argparse.Namespace) -> None:
    bundle = _read_bundle(args.bundle)
    evaluation = evaluate(bundle, load_programme(bundle.programme))
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(evaluation.to_json(), option=orjson.OPT_INDENT_2))
        sys.stdout.buffer.write(b"\n")
    else:
        _print_table(bundle, evaluation)


def _print_table(bundle: Bundle, evaluation: Evaluation) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    scale = evaluation.programme.scale
    info = bundle.inspection

    def label(value: int | None) -> str:
        return "–" if value is None else scale.label(value)

    table = Table(
        title=f"{info.reference} · {info.partnership} · {evaluation.programme.short_title}",
        title_justify="left",
    )
    for heading in ("Indicator", "Proposed", "Cap", "Final", "Status"):
        table.add_column(heading)
    for ind in evaluation.indicators.values():
        status = {"final": "[green]final", "pending": "[yellow]pending"}.get(ind.status, ind.status)
        table.add_row(
            f"{ind.id} {ind.title}",
            label(ind.proposed),
            label(ind.cap),
            f"[bold]{label(ind.final)}",
            status,
        )
    console.print(table)
    for ind in evaluation.indicators.values():
        for check in ind.limiters:
            console.print(
                f"[bold]{ind.id}[/] capped at {scale.label(check.cap)} "
                f"by [bold]{check.rule}[/]: {check.detail}.",
                highlight=False,
            )
        for reason in ind.pending:
            console.print(f"[bold]{ind.id}[/] pending: {reason}.", highlight=False)
    for share in evaluation.statistics.values():
        console.print(f"{share.statistic.title}: {share.sentence()}.", highlight=False)


def _report(args: argparse.Namespace) -> None:
    from scrutiny.core.refusal import Refused
    from scrutiny.core.report import build_report, render_report
    from scrutiny.core.word.template import check_template, explain_failure

    template = Path(args.template) if args.template else None
    if template is not None:
        if args.format != "docx":
            raise InvalidInput(["--template: only --format docx uses a template"])
        if not template.is_file():
            raise InvalidInput([f"{template}: cannot read: no such file"])
    bundle = _read_bundle(args.bundle)
    report = build_report(bundle, load_programme(bundle.programme))
    warnings: list[str] = []
    if template is not None:
        try:
            warnings = check_template(template).warnings
        except Refused as exc:
            raise InvalidInput(
                [f"{template}: not a usable Word template: {r}" for r in exc.reasons]
            ) from None
    try:
        data = render_report(report, args.format, version=args.version, template=template)
    except Exception as exc:
        # python-docx has no single error for "not a Word document" (zip, XML, package).
        if template is None:
            raise
        raise InvalidInput(
            [f"{template}: not a usable Word template: {explain_failure(exc)}"]
        ) from None
    Path(args.output).write_bytes(data)
    for warning in warnings:
        print(f"{template}: {warning}", file=sys.stderr)


def _schema(args: argparse.Namespace) -> None:
    sys.stdout.buffer.write(orjson.dumps(bundle_json_schema(), option=orjson.OPT_INDENT_2) + b"\n")


def _demo(args: argparse.Namespace) -> None:
    if args.records < 1:
        raise InvalidInput(["--records: must be at least 1"])
    data = dump_bundle(make_demo(seed=args.seed, records=args.records))
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)


def _import(args: argparse.Namespace) -> int:
    # Imported here: the other commands work on files and need no Django or database.
    from scrutiny.web.commandline import import_main

    return import_main(args.bundle)


def _export(args: argparse.Namespace) -> int:
    from scrutiny.web.commandline import export_main

    return export_main(args.reference, args.output)


if __name__ == "__main__":
    sys.exit(main())
