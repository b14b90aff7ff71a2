"""Drawing the report's charts with matplotlib: SVG for HTML and PDF, PNG for DOCX.

SVG keeps its text as text (`svg.fonttype: none`), so it stays searchable and is
extracted with the rest of the PDF; a fixed `svg.hashsalt` and no date make the same
report give the same bytes. Each chart is drawn from its table (`report_figures`), and
hidden small counts are drawn as one grey "not shown" segment, never as their size.
"""

from __future__ import annotations

import io
import re
import textwrap
from functools import lru_cache
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede any pyplot import elsewhere

from matplotlib import rc_context  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from scrutiny.core.report_figures import Chart  # noqa: E402

# Ordered answers, best first: blues for the favourable end, oranges for the other,
# grey for the last (usually "not sure" / "don't know").
_PALETTES: dict[int, tuple[str, ...]] = {
    3: ("#0065bd", "#7fb2de", "#d9622b"),
    4: ("#0065bd", "#7fb2de", "#d9622b", "#b3b3b3"),
    5: ("#0065bd", "#7fb2de", "#f2b48c", "#d9622b", "#b3b3b3"),
    6: ("#00437e", "#0065bd", "#7fb2de", "#f2b48c", "#d9622b", "#b3b3b3"),
}
_HIDDEN = "#e6e6e6"
_RC: Any = {  # matplotlib's stubs want literal keys
    "svg.fonttype": "none",
    "svg.hashsalt": "scrutiny-report",
    "font.family": ["Roboto", "DejaVu Sans"],
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _palette(n: int) -> tuple[str, ...]:
    return _PALETTES.get(n) or _PALETTES[6][:n]


def _text_colour(fill: str) -> str:
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else "#1a1a1a"


def _draw(chart: Chart) -> Figure:
    labels = ["\n".join(textwrap.wrap(c, 42)) for c in chart.categories]
    lines = sum(label.count("\n") + 1 for label in labels)
    colours = _palette(len(chart.series))
    hidden = any(v is None for row in chart.values for v in row)
    legend_rows = -(-(len(chart.series) + hidden) // 4)
    # Margins in inches, set by hand: matplotlib's constrained layout would draw every
    # chart twice, and drawing is most of a report's render time.
    widest = max((len(line) for label in labels for line in label.split("\n")), default=0)
    margin_left, margin_top = min(3.2, 0.2 + 0.066 * widest), 0.15 + 0.2 * legend_rows
    margin_bottom = 0.55
    width = 7.0
    height = margin_top + margin_bottom + 0.2 + 0.17 * lines + 0.1 * len(labels)
    fig = Figure(figsize=(width, height))
    fig.subplots_adjust(
        left=margin_left / width,
        right=1 - 0.15 / width,
        top=1 - margin_top / height,
        bottom=margin_bottom / height,
    )
    ax = fig.add_subplot()
    y = range(len(labels))
    left = [0.0] * len(labels)
    for k, (name, colour) in enumerate(zip(chart.series, colours, strict=True)):
        widths = [row[k] or 0.0 for row in chart.values]
        bars = ax.barh(y, widths, left=left, color=colour, label=name, height=0.7)
        for bar, width in zip(bars, widths, strict=True):
            if width >= 7:
                ax.text(
                    bar.get_x() + width / 2,
                    bar.get_y() + bar.get_height() / 2,
                    f"{width:.0f}%",
                    ha="center",
                    va="center",
                    color=_text_colour(colour),
                    fontsize=8,
                )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    # What remains of each bar is the hidden counts: one segment, never their sizes.
    remainder = [
        100.0 - x if any(v is None for v in row) else 0.0
        for x, row in zip(left, chart.values, strict=True)
    ]
    if hidden:
        ax.barh(
            y,
            remainder,
            left=left,
            color=_HIDDEN,
            hatch="///",
            edgecolor="#8c8c8c",
            linewidth=0,
            height=0.7,
        )
    ax.set_yticks(list(y), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("Share of those counted (%)")
    handles = [Patch(color=c, label=s) for s, c in zip(chart.series, colours, strict=True)]
    if hidden:
        handles.append(
            Patch(
                facecolor=_HIDDEN,
                hatch="///",
                edgecolor="#8c8c8c",
                label="Hidden (small numbers)",
            )
        )
    fig.legend(
        handles=_row_major(handles, 4),
        loc="upper center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=min(len(handles), 4),
        frameon=False,
        fontsize=8,
    )
    return fig


def _row_major(handles: list[Patch], columns: int) -> list[Patch]:
    """Legend entries in reading order: matplotlib fills a legend column by column."""
    rows = -(-len(handles) // columns)
    return [
        handles[row * columns + col]
        for col in range(columns)
        for row in range(rows)
        if row * columns + col < len(handles)
    ]


@lru_cache(maxsize=64)
def chart_svg(chart: Chart) -> str:
    """The chart as an inline `<svg>` element, named by its title and described by its alt text."""
    with rc_context(_RC):
        fig = _draw(chart)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and DOCTYPE: it goes inline
    # A strict Content-Security-Policy blocks inline styles, so the web app could not show
    # matplotlib's `style` attributes and `<style>` element: use presentation attributes.
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.S)
    svg = re.sub(r'style="([^"]*)"', _presentation_attributes, svg)
    # Several charts share one page: give every internal id the chart's prefix.
    prefix = chart.id
    svg = re.sub(r'id="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    # The accessible name is the title and the alt text together: WeasyPrint makes the
    # SVG's <title> the PDF figure's /Alt, so the description must be inside it.
    svg = svg.replace(
        "<svg ", f'<svg role="img" aria-labelledby="{prefix}-title" focusable="false" ', 1
    )
    head = svg.index(">") + 1
    name = f"{chart.title}. {chart.description}"
    svg = svg[:head] + f'<title id="{prefix}-title">{_escape(name)}</title>' + svg[head:]
    return svg


@lru_cache(maxsize=64)
def chart_png(chart: Chart, dpi: int = 150) -> bytes:
    with rc_context(_RC):
        fig = _draw(chart)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()


def _presentation_attributes(match: re.Match[str]) -> str:
    declarations = (d.split(":", 1) for d in match.group(1).split(";") if ":" in d)
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in declarations)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
