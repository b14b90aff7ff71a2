"""The `scrutiny` command line (shared/spec/cli.md).

Exit status: 0 success; 2 invalid input, one line per problem on standard error and
no traceback; 1 anything else.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from scrutiny.core.bundle import (
    Bundle,
    BundleInvalid,
    bundle_json_schema,
    dump_bundle,
    parse_bundle,
)
from scrutiny.core.demo import PROGRAMME, make_demo
from scrutiny.core.evaluation import Evaluation, evaluate
from scrutiny.core.methodology import Survey, available_programmes, load_programme

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

    p = sub.add_parser(
        "survey", help="read survey exports: inspect one, or import it into a bundle"
    )
    survey = p.add_subparsers(dest="survey_command", required=True, metavar="COMMAND")
    q = survey.add_parser(
        "inspect",
        help="say what a survey export (CSV, XLSX or ODS) is, without storing anything",
    )
    q.add_argument("file", metavar="FILE", help="the survey export")
    q.add_argument("--survey", metavar="ID", help="also propose a column for each item of it")
    q.add_argument("--json", action="store_true", help="print JSON instead of text")
    q.set_defaults(run=_survey_inspect)
    q = survey.add_parser(
        "import",
        help="add a survey export's responses to a bundle, all or nothing",
    )
    q.add_argument("bundle", metavar="BUNDLE", help="bundle file, or - for standard input")
    q.add_argument("file", metavar="FILE", help="the survey export")
    q.add_argument("--survey", required=True, metavar="ID", help="the programme survey")
    q.add_argument(
        "--mapping",
        metavar="MAPPING.json",
        help='the columns ({"items": {column: item}, "respondent": column, "care_group": '
        'column}), or {"columns": ..., "answers": {item: {raw: option}}, "care_groups": ...}',
    )
    q.add_argument(
        "--include-incomplete",
        action="store_true",
        help="also count responses the tool marks as not finished (the team's decision)",
    )
    q.add_argument("-o", "--output", required=True, metavar="OUT", help="bundle to write, or -")
    q.set_defaults(run=_survey_import)

    p = sub.add_parser(
        "backup",
        help="write one consistent archive of the installation (database, attachments, "
        "Word templates, manifest with sha256)",
    )
    p.add_argument("file", metavar="FILE", help="the archive to write (.tar.gz)")
    p.set_defaults(run=_backup)

    p = sub.add_parser(
        "restore",
        help="restore an archive into an empty installation; a damaged or partial archive "
        "is refused before anything is written",
    )
    p.add_argument("file", metavar="FILE", help="an archive written by scrutiny backup")
    p.set_defaults(run=_restore)

    p = sub.add_parser("demo", help="write a realistic synthetic bundle")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write, or -")
    p.add_argument("--seed", type=int, default=1, help="same seed, same bytes (default 1)")
    p.add_argument("--records", type=int, default=100, help="children's records (default 100)")
    p.add_argument(
        "--programme",
        default=PROGRAMME,
        metavar="ID",
        help=f"the inspection programme (default {PROGRAMME}; known: "
        f"{', '.join(available_programmes())})",
    )
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
    if args.programme not in available_programmes():
        known = ", ".join(available_programmes())
        raise InvalidInput([f"--programme: unknown programme {args.programme!r} (known: {known})"])
    data = dump_bundle(make_demo(seed=args.seed, records=args.records, programme_id=args.programme))
    if args.output == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)


def _find_survey(survey_id: str, programme_id: str | None = None) -> Survey:
    from scrutiny.core.methodology import available_programmes

    for pid in [programme_id] if programme_id else available_programmes():
        survey = load_programme(pid).survey(survey_id)
        if survey is not None:
            return survey
    known = sorted({s.id for pid in available_programmes() for s in load_programme(pid).surveys})
    raise InvalidInput([f"--survey: no survey '{survey_id}' (known: {', '.join(known)})"])


def _survey_problems(exc: Exception) -> list[str]:
    from scrutiny.core.survey_import import SurveyImportError

    if not isinstance(exc, SurveyImportError):
        return [str(exc)]
    lines = [str(p) for p in exc.problems]
    lines += [f"... and {n} more problems in column {c}" for c, n in exc.unlisted.items()]
    return lines or ["the file could not be imported"]


def _survey_inspect(args: argparse.Namespace) -> None:
    from scrutiny.core.survey_import import SurveyImportError, inspect_survey

    survey = _find_survey(args.survey) if args.survey else None
    if not Path(args.file).is_file():
        raise InvalidInput([f"{args.file}: cannot read: no such file"])
    try:
        result = inspect_survey(args.file, survey=survey)
    except SurveyImportError as exc:
        raise InvalidInput([f"{args.file}: {line}" for line in _survey_problems(exc)]) from None
    if args.json:
        sys.stdout.buffer.write(orjson.dumps(result, option=orjson.OPT_INDENT_2) + b"\n")
        return
    from scrutiny.core.surveys.tools import BY_LAYOUT, Layout

    names = {layout.value: tool.title for layout, tool in BY_LAYOUT.items()}
    names[Layout.UNKNOWN.value] = "an unrecognised tool"
    print(f"{args.file}: {result['format'].upper()}", end="")
    if result["encoding"]:
        print(f" ({result['encoding']}, delimiter {result['delimiter']!r})", end="")
    print(f", made by {names.get(result['layout'], result['layout'])}")
    print(f"heading rows: {result['header_rows']}")
    print(f"responses: {result['rows']}")
    for key, label in (("incomplete", "not finished"), ("rejected", "rejected by a reviewer"),
                       ("on_hold", "on hold"), ("empty", "answering none of the items")):  # fmt: skip
        if result.get(key):
            print(f"  {label}: {result[key]}")
    if "returns" in result:
        print(f"returns an import counts by default: {result['returns']}")
    if result["respondent_column"]:
        print(f"respondent id: {result['respondent_column']}")
    if result["personal_data"]:
        print(f"personal data, left out: {', '.join(result['personal_data'])}")
    for item, found in result.get("mapping", {}).items():
        print(f"  {item}: {found['column']} ({found['confidence']:.0%})")
    for item in result.get("unmapped_items", []):
        print(f"  {item}: no column")


def _read_mapping(path: str) -> tuple[Any, Any]:
    from pydantic import ValidationError

    from scrutiny.core.survey_import import ColumnMapping, ValueMapping

    try:
        data = orjson.loads(Path(path).read_bytes())
    except OSError as exc:
        raise InvalidInput([f"{path}: cannot read: {exc.strerror}"]) from None
    except orjson.JSONDecodeError as exc:
        raise InvalidInput([f"{path}: not valid JSON: {exc}"]) from None
    if not isinstance(data, dict):
        raise InvalidInput([f"{path}: expected a JSON object"])
    columns = data.get("columns", data)
    values = {k: data[k] for k in ("answers", "care_groups") if k in data}
    try:
        return ColumnMapping.model_validate(columns), ValueMapping.model_validate(values)
    except ValidationError as exc:
        raise InvalidInput(
            [f"{path}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]
        ) from None


def _survey_import(args: argparse.Namespace) -> None:
    from scrutiny.core.survey_import import Inclusion, SurveyImportError, import_survey

    bundle = _read_bundle(args.bundle)
    survey = load_programme(bundle.programme).survey(args.survey)
    if survey is None:
        _find_survey(args.survey, bundle.programme)  # raises, listing the surveys
        return
    if not Path(args.file).is_file():
        raise InvalidInput([f"{args.file}: cannot read: no such file"])
    mapping, values = _read_mapping(args.mapping) if args.mapping else (None, None)
    try:
        imported = import_survey(
            args.file,
            survey=survey,
            mapping=mapping,
            value_mapping=values,
            inclusion=Inclusion(incomplete=args.include_incomplete),
        )
    except SurveyImportError as exc:
        raise InvalidInput([f"{args.file}: {line}" for line in _survey_problems(exc)]) from None
    data = orjson.loads(dump_bundle(bundle))
    taken = {r["respondent"] for r in data.get("survey_responses", []) if r["survey"] == survey.id}
    clash = [r["respondent"] for r in imported.responses if r["respondent"] in taken]
    if clash:
        raise InvalidInput(
            [
                f"{args.file}: the bundle already has a response from respondent '{r}' to the "
                f"survey '{survey.id}'"
                for r in clash[:50]
            ]  # fmt: skip
        )
    data.setdefault("survey_responses", []).extend(imported.responses)
    try:
        out = dump_bundle(parse_bundle(data))
    except BundleInvalid as exc:
        raise InvalidInput(exc.problems) from None
    if args.output == "-":
        sys.stdout.buffer.write(out)
    else:
        Path(args.output).write_bytes(out)
    c = imported.completeness
    left = [f"{n} {what}" for n, what in ((c.incomplete, "not finished"), (c.rejected, "rejected"),
            (c.on_hold, "on hold"), (c.empty, "answering nothing")) if n]  # fmt: skip
    print(
        f"{len(imported.responses)} returns added to the {survey.title.lower()}"
        + (f" (of {c.rows} responses; {', '.join(left)})" if left else ""),
        file=sys.stderr,
    )


def _import(args: argparse.Namespace) -> int:
    # Imported here: the other commands work on files and need no Django or database.
    from scrutiny.web.commandline import import_main

    return import_main(args.bundle)


def _export(args: argparse.Namespace) -> int:
    from scrutiny.web.commandline import export_main

    return export_main(args.reference, args.output)


def _backup(args: argparse.Namespace) -> int:
    from scrutiny.web.commandline import backup_main

    return backup_main(args.file)


def _restore(args: argparse.Namespace) -> int:
    from scrutiny.web.commandline import restore_main

    return restore_main(args.file)


if __name__ == "__main__":
    sys.exit(main())
