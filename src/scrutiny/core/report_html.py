"""The report as accessible HTML: a standalone page (also the PDF's source) or a fragment.

The fragment (`render_html_fragment`) is an `<article>` for the web app's own page: it
has no inline styles or scripts, so it runs under a strict Content-Security-Policy, and
uses Scottish Government Design System (`ds_`) classes. The standalone page
(`render_html`) wraps it with `lang`, a title and a small stylesheet of its own for
screen and print, so it reads well when saved or printed without the design system.
"""

from __future__ import annotations

import re
from html import escape

from scrutiny.core.report import Report, Version
from scrutiny.core.report_figures import DataTable
from scrutiny.core.report_layout import (
    ORGANISATION,
    Block,
    Contents,
    Figure,
    Heading,
    Items,
    Layout,
    Para,
    Table,
    layout,
    refs_text,
)

CSS = """
@page { size: A4; margin: 20mm 18mm 22mm;
  @bottom-left { content: string(running); font: 8pt Roboto, "DejaVu Sans", sans-serif; color: #4d4d4d; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
    font: 8pt Roboto, "DejaVu Sans", sans-serif; color: #4d4d4d; } }
@page :first { @bottom-left { content: none; } @bottom-right { content: none; } }
html { font-family: Roboto, "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; line-height: 1.5; }
body { margin: 0; }
.scrutiny-report { max-width: 46rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 2rem; line-height: 1.2; color: #002d54; margin: 0 0 1rem; }
h2 { font-size: 1.5rem; line-height: 1.25; color: #002d54; border-top: 3px solid #0065bd;
  padding-top: .5rem; margin: 2rem 0 .75rem; }
h3 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
h1, h2, h3 { break-after: avoid; }
p { max-width: 42rem; }
li { margin: .3rem 0; }
.ds_leader { font-size: 1.2rem; }
h1 { string-set: running content(); }
.scrutiny-report__published { font-size: 1.2rem; font-weight: bold; }
.scrutiny-report--young-people { font-size: 1.15rem; }
.scrutiny-report--young-people .ds_leader { string-set: none; }
.scrutiny-report--young-people h1 { string-set: running "A summary for children and young people"; }
.ds_inset-text { border-left: 5px solid #0065bd; padding: .25rem 0 .25rem 1rem; margin: 1rem 0; }
.scrutiny-citation { color: #4d4d4d; font-size: .85em; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; font-size: .9em; }
caption { text-align: left; font-weight: bold; padding-bottom: .35rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem .35rem 0;
  border-bottom: 1px solid #b3b3b3; }
thead th { border-bottom: 2px solid #1a1a1a; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
figure { margin: .5rem 0 1rem; }
figure svg { width: 100%; height: auto; }
/* A count and its share ("54 (27%)", "fewer than 5") is read as one: never split it. */
.scrutiny-report__count { white-space: nowrap; }
.scrutiny-report__contents ol { list-style: none; padding-left: 0; }
.scrutiny-report__contents li { margin: .2rem 0; }
a { color: #0065bd; }
a:focus { outline: 3px solid #fdd522; background: #fdd522; color: #1a1a1a; }
@media print {
  html { font-size: 10.5pt; }
  .scrutiny-report { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .scrutiny-report__contents a::after { content: leader(".") " " target-counter(attr(href), page); }
  h2 { break-before: auto; }
  .scrutiny-report__section-start { break-before: page; }
  /* As in the published reports, each chapter of the full report starts a new page. */
  .scrutiny-report--public section > h2, .scrutiny-report--internal section > h2 {
    break-before: page; }
  /* Keeping a whole figure (heading, chart, table) together costs the PDF seconds;
     the chart alone is cheap, and the heading is kept with it by break-after. */
  figure { break-inside: avoid; }
  caption { break-after: avoid; }
  /* A short table moves whole to the next page rather than leave its caption behind. */
  .scrutiny-report__table--short { break-inside: avoid; }
  /* A small figure (a chart of a few bars and its short table) stays on one page, so the
     table is never parted from its chart; a big one may break between the two. */
  .scrutiny-report__figure--short { break-inside: avoid; }
  /* The closing section is two short paragraphs: never leave one alone on a last page. */
  section[aria-labelledby="next-steps"], section[aria-labelledby="next"] { break-inside: avoid; }
}
"""


def render_html(report: Report, *, version: Version = "public") -> str:
    """A standalone, accessible HTML page of the report (and the source of its PDF)."""
    return render_layout_html(
        layout(report, version), description=f"{report.partnership}: {report.reference}"
    )


def render_layout_html(doc: Layout, *, description: str) -> str:
    """A standalone, accessible HTML page of any layout: an inspection's report, or a
    review of findings across a programme (scrutiny.core.programme_review.review).

    The page names the organisation as its author (the PDF's Author comes from it) and
    no library as its generator."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{doc.lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(doc.title)}</title>\n"
        f'<meta name="author" content="{escape(ORGANISATION)}">\n'
        f'<meta name="description" content="{escape(description)}">\n'
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        f'<main id="main-content">\n{_article(doc)}</main>\n</body>\n</html>\n'
    )


def render_html_fragment(report: Report, *, version: Version = "public") -> str:
    """The report as an `<article>` for a page of the web app (no inline styles)."""
    return _article(layout(report, version))


def _article(doc: Layout) -> str:
    out = [f'<article class="scrutiny-report scrutiny-report--{doc.version}">']
    in_section = False
    blocks = doc.blocks
    for n, block in enumerate(blocks):
        # Each h2 opens a section named by it, for landmarks and the PDF's structure.
        if isinstance(block, Heading) and block.level == 2:
            if in_section:
                out.append("</section>")
            out.append(f'<section aria-labelledby="{escape(block.anchor)}">')
            in_section = True
        if isinstance(block, Figure):
            continue  # drawn with its heading, below
        if isinstance(block, Heading) and n + 1 < len(blocks) and isinstance(blocks[n + 1], Figure):
            # A figure's heading, chart and table stay together on a printed page.
            chart = blocks[n + 1]
            assert isinstance(chart, Figure)
            short = " scrutiny-report__figure--short" if len(chart.chart.table.rows) <= 4 else ""
            out.append(
                f'<div class="scrutiny-report__figure{short}">{_block(block)}\n{_block(chart)}</div>'
            )
            continue
        out.append(_block(block))
    if in_section:
        out.append("</section>")
    out.append("</article>\n")
    return "\n".join(out)


def _block(block: Block) -> str:
    if isinstance(block, Heading):
        ident = f' id="{escape(block.anchor)}"' if block.anchor else ""
        css = ' class="ds_page-header__title"' if block.level == 1 else ""
        # The questions start new pages in print: each is a chapter of the report.
        if block.level == 2 and block.anchor.startswith("question-"):
            css = ' class="scrutiny-report__section-start"'
        return f"<h{block.level}{ident}{css}>{escape(block.text)}</h{block.level}>"
    if isinstance(block, Para):
        if block.kind == "lead":
            return f'<p class="ds_leader">{escape(block.text)}</p>'
        if block.kind == "notice":
            return (
                '<div class="ds_inset-text"><p class="ds_inset-text__text" dir="auto">'
                f"{escape(block.text)}</p></div>"
            )
        if block.kind == "cover":
            return f'<p class="scrutiny-report__published">{escape(block.text)}</p>'
        # dir="auto": a paragraph the team wrote in a right-to-left script reads right to left.
        return f'<p dir="auto">{escape(block.text)}{_citation(block.refs)}</p>'
    if isinstance(block, Items):
        tag = "ol" if block.ordered else "ul"
        items = "".join(
            f'<li dir="auto">{escape(i.text)}{_citation(i.refs)}</li>' for i in block.items
        )
        return f"<{tag}>{items}</{tag}>"
    if isinstance(block, Table):
        return _table(block.table)
    if isinstance(block, Figure):
        from scrutiny.core.report_charts import chart_svg  # matplotlib: only when charted

        chart = block.chart
        return (
            f'<figure class="scrutiny-report__chart" aria-labelledby="{chart.id}">'
            f"{chart_svg(chart)}</figure>\n{_table(chart.table)}"
        )
    if isinstance(block, Contents):
        links = "".join(
            f'<li><a href="#{escape(anchor)}">{escape(text)}</a></li>'
            for anchor, text in block.entries
        )
        return (
            '<nav class="scrutiny-report__contents ds_contents-nav" aria-labelledby="contents">'
            f'<h2 id="contents">Contents</h2><ol>{links}</ol></nav>'
        )
    raise AssertionError(f"unknown block {block!r}")


def _citation(refs: tuple[str, ...]) -> str:
    if not refs:
        return ""
    return f' <span class="scrutiny-citation">{escape(refs_text(refs))}</span>'


# A table cell that is a count, a count with its share, or a suppressed count.
_COUNT = re.compile(r"\d[\d,]*( \(\d+(\.\d+)?%\))?|fewer than \d+|not shown")


def _table(table: DataTable) -> str:
    short = " scrutiny-report__table--short" if len(table.rows) <= 8 else ""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.headers)
    rows = "".join(
        f'<tr><th scope="row">{escape(row[0])}</th>'
        + "".join(
            f'<td class="scrutiny-report__count">{escape(cell)}</td>'
            if _COUNT.fullmatch(cell)
            else f"<td>{escape(cell)}</td>"
            for cell in row[1:]
        )
        + "</tr>"
        for row in table.rows
    )
    return (
        f'<table class="ds_table{short}"><caption>{escape(table.caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )
