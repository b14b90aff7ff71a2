"""The report as Markdown, for plain-text review and diffs between drafts."""

from __future__ import annotations

from scrutiny.core.report import Report, Version
from scrutiny.core.report_figures import DataTable
from scrutiny.core.report_layout import (
    Contents,
    Figure,
    Heading,
    Items,
    Para,
    Table,
    layout,
    refs_text,
)


def render_markdown(report: Report, *, version: Version = "public") -> str:
    out: list[str] = []
    for block in layout(report, version).blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * block.level} {block.text}", ""]
        elif isinstance(block, Para):
            refs = f" {refs_text(block.refs)}" if block.refs else ""
            out += [f"> {block.text}" if block.kind == "notice" else block.text + refs, ""]
        elif isinstance(block, Items):
            for n, item in enumerate(block.items, start=1):
                refs = f" {refs_text(item.refs)}" if item.refs else ""
                out.append(f"{f'{n}.' if block.ordered else '-'} {_inline(item.text)}{refs}")
            out.append("")
        elif isinstance(block, Table):
            out += _table(block.table)
        elif isinstance(block, Figure):
            # Markdown has no inline chart: the table carries the figures, the alt text the gist.
            out += [f"*{block.chart.description}*", "", *_table(block.chart.table)]
        elif isinstance(block, Contents):
            out += ["## Contents", ""]
            out += [f"- {text}" for _, text in block.entries] + [""]
    return "\n".join(out)


def _inline(text: str) -> str:
    return text.replace("|", "\\|")


def _table(table: DataTable) -> list[str]:
    lines = [f"**{table.caption}**", ""]
    lines.append("| " + " | ".join(_inline(h) for h in table.headers) + " |")
    lines.append("|" + "---|" * len(table.headers))
    lines += ["| " + " | ".join(_inline(c) for c in row) + " |" for row in table.rows]
    return [*lines, ""]
