#!/usr/bin/env python3
"""Draw arcadence's chart set with matplotlib, from the chart data file.

    python3 Benchmarks/matplotlib/charts.py DATA.json OUTDIR [--format png,svg] [--scale 2]

DATA.json is what `arcadence charts --data-out DATA.json` writes (also `simulate` and
`backtest --data-out`): every chart's kind, titles, canvas size, axes and series. Each chart
is drawn once into one figure at the same canvas size as arcadence's (width × height in
points, PNG at 72 × scale dpi, so 800 × 500 pt at scale 2 is 1600 × 1000 px), saved in each
format and closed. The house style follows arcadence's: Okabe–Ito colours, DejaVu Sans,
title and subtitle top left, legend under them, footnote at the bottom, compact money and
percent ticks, calendar ticks on time axes.

This is the reference side of the "charts" benchmark (Benchmarks/matplotlib/README.md).
"""

import argparse
import json
import math
import os
import sys
import textwrap
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402
from matplotlib.transforms import blended_transform_factory  # noqa: E402

# --- House style (arcadence's light theme) -------------------------------------------------

TEXT = "#333333"
SECONDARY = "#666666"
GRID = "#E5E5E5"
AXIS = "#9E9E9E"
RULE = "#4D4D4D"
BLUE, ORANGE, GREEN, VERMILLION = "#0072B2", "#E69F00", "#009E73", "#D55E00"
PALETTE = [BLUE, ORANGE, GREEN, VERMILLION, "#56B4E9", "#CC79A7", "#F0E442", "#000000"]

FULL = {"title": 17.0, "subtitle": 12.0, "label": 11.0, "footnote": 9.5, "pad": 18.0}
COMPACT = {"title": 12.0, "subtitle": 10.0, "label": 9.5, "footnote": 8.5, "pad": 6.0}
LINE_HEIGHT = 1.17  # DejaVu Sans ascent + descent, in ems
CHAR_WIDTH = 0.56  # average DejaVu Sans advance, in ems (for wrapping and margins)

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": FULL["label"],
        "text.color": TEXT,
        "axes.edgecolor": AXIS,
        "axes.labelcolor": SECONDARY,
        "axes.labelsize": FULL["label"],
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.spines.left": False,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "axes.axisbelow": True,
        "grid.color": GRID,
        "grid.linewidth": 1.0,
        "xtick.color": SECONDARY,
        "ytick.color": SECONDARY,
        "xtick.labelsize": FULL["label"],
        "ytick.labelsize": FULL["label"],
        "ytick.left": False,
        "ytick.right": False,
        "legend.frameon": False,
        "lines.linewidth": 2.25,
        "svg.hashsalt": "arcadence",
    }
)

# --- Number and date formats ----------------------------------------------------------------


def trimmed(value, digits):
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value, _pos=None):
    """Compact dollars: 1_250_000 → "$1.25M", 350_000 → "$350K", -950 → "-$950"."""
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    for unit, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if magnitude >= unit:
            return f"{sign}${trimmed(magnitude / unit, 2)}{suffix}"
    return f"{sign}${trimmed(magnitude, 2)}"


def number(value, _pos=None):
    return trimmed(value, 2)


def percent(value, _pos=None):
    return trimmed(value * 100, 1) + "%"


def formatter(fmt):
    """A tick formatter for an arcadence value format."""
    if isinstance(fmt, dict):
        suffix = fmt.get("suffix", "")
        return FuncFormatter(lambda v, _p: number(v) + suffix)
    if fmt == "money":
        return FuncFormatter(money)
    if fmt == "percent":
        return FuncFormatter(percent)
    if fmt == "plain":
        return FuncFormatter(lambda v, _p: f"{v:g}")
    return FuncFormatter(number)


def label_of(fmt, value):
    return formatter(fmt)(value, None)


def values(seq):
    """Series values with null (missing) as NaN."""
    return np.array(seq, dtype=float)


def days(iso_dates):
    """ISO dates as matplotlib date numbers (days since 1970-01-01, matplotlib's epoch)."""
    return np.array(iso_dates, dtype="datetime64[D]").astype(float)


def color(value, fallback):
    if value is None:
        return fallback
    return value if isinstance(value, str) else tuple(value)


# --- Page layout: title, subtitle, legend, footnote, plot area -----------------------------


class Page:
    """One figure at the chart's canvas size, with arcadence's header and footnote."""

    def __init__(self, spec, style=FULL):
        self.width = float(spec.get("width", 800))
        self.height = float(spec.get("height", 500))
        self.style = style
        self.fig = plt.figure(figsize=(self.width / 72, self.height / 72), dpi=72)
        self.fig.patch.set_facecolor("white")
        self.pad = style["pad"]
        self.top = self.pad  # points from the top edge taken so far
        self.bottom = self.pad  # points from the bottom edge taken so far
        self.text_block(spec.get("title", ""), style["title"], TEXT, "bold", 2)
        if spec.get("subtitle"):
            self.top += style["subtitle"] * 0.3
            self.text_block(spec["subtitle"], style["subtitle"], SECONDARY, "normal", 2)
        if spec.get("footnote"):
            self.footnote(spec["footnote"])

    def wrap(self, text, size, max_lines):
        chars = max(10, int((self.width - 2 * self.pad) / (size * CHAR_WIDTH)))
        lines = textwrap.wrap(text, chars) or [""]
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = lines[-1][: chars - 1] + "…"
        return lines

    def text_block(self, text, size, color_, weight, max_lines):
        lines = self.wrap(text, size, max_lines)
        self.fig.text(
            self.pad / self.width,
            1 - self.top / self.height,
            "\n".join(lines),
            size=size,
            color=color_,
            weight=weight,
            ha="left",
            va="top",
            linespacing=1.0,
        )
        self.top += len(lines) * size * LINE_HEIGHT

    def footnote(self, text):
        size = self.style["footnote"]
        lines = self.wrap(text, size, 3)
        self.fig.text(
            self.pad / self.width,
            self.pad / self.height,
            "\n".join(lines),
            size=size,
            color=SECONDARY,
            ha="left",
            va="bottom",
            linespacing=1.0,
        )
        self.bottom += len(lines) * size * LINE_HEIGHT + 8

    def legend(self, handles, labels):
        """A one-row (wrapping) legend under the titles."""
        if not handles:
            return
        size = self.style["label"]
        self.top += size * 0.8
        available = self.width - 2 * self.pad
        widths = [size * (2.2 + CHAR_WIDTH * len(text)) + size * 1.6 for text in labels]
        columns, used = 0, 0.0
        for width in widths:
            if columns and used + width > available:
                break
            used += width
            columns += 1
        rows = math.ceil(len(handles) / max(columns, 1))
        self.fig.legend(
            handles,
            labels,
            loc="upper left",
            bbox_to_anchor=(self.pad / self.width, 1 - self.top / self.height),
            ncol=max(columns, 1),
            fontsize=size,
            handlelength=1.6,
            handletextpad=0.5,
            columnspacing=1.6,
            borderaxespad=0,
            borderpad=0,
            labelcolor=TEXT,
        )
        self.top += rows * size * LINE_HEIGHT * 1.35

    def axes(self, left=64, right=None, bottom_labels=None, x_title=False):
        """The plot area under the header: margins for tick labels and axis titles."""
        size = self.style["label"]
        self.top += size * 0.9
        right = self.pad + (8 if right is None else right)
        bottom = self.bottom + (bottom_labels or size * LINE_HEIGHT + 8)
        if x_title:
            bottom += size * LINE_HEIGHT + 4
        left += self.pad
        rect = [
            left / self.width,
            bottom / self.height,
            (self.width - left - right) / self.width,
            (self.height - self.top - bottom) / self.height,
        ]
        return self.fig.add_axes(rect)

    def save(self, out_dir, name, formats, scale):
        written = []
        for fmt in formats:
            path = os.path.join(out_dir, f"{name}.{fmt}")
            if fmt == "png":
                self.fig.savefig(path, format="png", dpi=72 * scale)
            else:
                self.fig.savefig(path, format=fmt, dpi=72, metadata={"Date": None})
            written.append(path)
        plt.close(self.fig)
        return written


# --- Axes helpers -----------------------------------------------------------------------------


def style_value_axis(ax, axis, side="left", size=FULL["label"]):
    """Ticks, format, domain (fitted to the data and ending on ticks), gridlines and title."""
    axis = axis or {}
    locator = MaxNLocator(nbins=max(int(axis.get("tickCount", 5)) - 1, 1), steps=[1, 2, 2.5, 5, 10])
    ax.yaxis.set_major_locator(locator)
    ax.yaxis.set_major_formatter(formatter(axis.get("format", "number")))
    ax.tick_params(axis="y", labelsize=size, length=0)
    if axis.get("domain"):
        ax.set_ylim(*axis["domain"])
    else:
        low, high = ax.dataLim.intervaly
        if not (np.isfinite(low) and np.isfinite(high)):
            low, high = 0.0, 1.0
        if axis.get("includesZero", True):
            low, high = min(low, 0.0), max(high, 0.0)
        if high <= low:
            high = low + 1
        ticks = locator.tick_values(low, high)
        ax.set_ylim(ticks[0], ticks[-1])
    if side == "left" and axis.get("gridlines", True):
        ax.yaxis.grid(True)
    if axis.get("title"):
        ax.set_ylabel(axis["title"], size=size)


def style_time_axis(ax, size=FULL["label"], max_ticks=8):
    """Calendar ticks over exactly the days drawn."""
    ax.set_xlim(*ax.dataLim.intervalx)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=max_ticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.tick_params(axis="x", labelsize=size)


def style_categories(ax, names, size=FULL["label"]):
    """Category labels, rotated 45° when they would not fit side by side."""
    ax.set_xticks(range(len(names)), names)
    ax.set_xlim(-0.5, len(names) - 0.5)
    ax.tick_params(axis="x", labelsize=size, length=0)
    plot_width = ax.get_position().width * ax.figure.get_figwidth() * 72
    widest = max((len(n) for n in names), default=0) * size * CHAR_WIDTH
    if names and widest + size > plot_width / len(names):
        for label in ax.get_xticklabels():
            label.set_rotation(45)
            label.set_ha("right")
            label.set_rotation_mode("anchor")


def rotated_band(names, size, limit):
    """Height needed below the plot for category labels rotated 45°."""
    widest = max((len(n) for n in names), default=0) * size * CHAR_WIDTH
    return min(widest * 0.72 + size * 1.5, limit)


def category_fits(names, size, plot_width):
    widest = max((len(n) for n in names), default=0) * size * CHAR_WIDTH
    return not names or widest + size <= plot_width / len(names)


def rule(ax, orientation, value, label, color_=RULE, dash=(6, 4), width=1.5, size=11.0):
    """A dashed reference line with a bold label inside the plot."""
    if orientation == "y":
        ax.axhline(value, color=color_, lw=width, dashes=dash, zorder=3)
        if label:
            transform = blended_transform_factory(ax.transAxes, ax.transData)
            ax.text(0.99, value, label, transform=transform, ha="right", va="bottom",
                    color=color_, weight="bold", size=size,
                    bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1})
    else:
        ax.axvline(value, color=color_, lw=width, dashes=dash, zorder=3)
        if label:
            transform = blended_transform_factory(ax.transData, ax.transAxes)
            ax.text(value, 0.98, " " + label, transform=transform, ha="left", va="top",
                    color=color_, weight="bold", size=size,
                    bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none", "pad": 1})


def dashes(pattern):
    """A matplotlib dash sequence; an empty pattern is a solid line."""
    return tuple(pattern) if pattern else (None, None)


def line_handle(color_, marker=False, dash=(None, None)):
    """A legend swatch for a line (with a marker when the line shows its points)."""
    return Line2D([], [], color=color_, lw=2.25, marker="o" if marker else None, ms=6,
                  markeredgecolor="white", dashes=dash)


# --- The specs --------------------------------------------------------------------------------


def dual_axis_bar_line(c):
    page = Page(c)
    x = days(c["periodStarts"]) + c.get("periodLength", 7) / 2
    bars, line = c["bars"], c["line"]
    bar_color = color(bars.get("color"), BLUE)
    line_color = color(line.get("color"), VERMILLION)
    page.legend([Patch(color=bar_color), line_handle(line_color, True)],
                [bars["name"], line["name"]])
    ax = page.axes(left=64, right=64)
    ax.bar(x, values(bars["values"]), width=c.get("periodLength", 7) * 0.72, color=bar_color)
    right = ax.twinx()
    right.spines["right"].set_visible(False)
    right.plot(x, values(line["values"]), color=line_color, marker="o", ms=7.2,
               markeredgecolor="white", markeredgewidth=1.25)
    style_value_axis(ax, c.get("barAxis"))
    style_value_axis(right, c.get("lineAxis"), side="right")
    if c.get("lineTarget"):
        rule(right, "y", c["lineTarget"]["value"], c["lineTarget"]["label"])
    style_time_axis(ax)
    return page


def stacked_bar(c):
    page = Page(c)
    series = c["series"]
    colors = [color(s.get("color"), PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]
    if len(series) >= 2:
        page.legend([Patch(color=k) for k in colors], [s["name"] for s in series])
    names = c["categories"]
    ax = page.axes(left=64)
    fits = category_fits(names, FULL["label"], ax.get_position().width * page.width)
    if not fits:
        ax.remove()
        page.top -= FULL["label"] * 0.9
        ax = page.axes(left=64, bottom_labels=rotated_band(names, FULL["label"], 120))
    x = np.arange(len(names))
    up = np.zeros(len(names))
    down = np.zeros(len(names))
    for s, k in zip(series, colors):
        v = np.nan_to_num(values(s["values"])[: len(names)])
        base = np.where(v >= 0, up, down)
        ax.bar(x[: len(v)], v, bottom=base[: len(v)], width=0.8, color=k)
        up[: len(v)] += np.where(v >= 0, v, 0)
        down[: len(v)] += np.where(v < 0, v, 0)
    style_value_axis(ax, c.get("valueAxis"))
    if c.get("showsTotals"):
        fmt = (c.get("valueAxis") or {}).get("format", "money")
        for i, total in enumerate(up + down):
            ax.text(i, total, label_of(fmt, total), ha="center", va="bottom", size=9.5)
    style_categories(ax, names)
    return page


def line_rule(c):
    page = Page(c)
    series = c["series"]
    points = c.get("showsPoints", False)
    colors = [color(s.get("color"), PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]
    if len(series) >= 2:
        page.legend([line_handle(k, points) for k in colors], [s["name"] for s in series])
    ax = page.axes(left=64)
    x = days(c["days"])
    for s, k in zip(series, colors):
        ax.plot(x, values(s["values"]), color=k, marker="o" if points else None, ms=7.2,
                markeredgecolor="white", markeredgewidth=1.25)
    if c.get("rule"):
        rule(ax, "y", c["rule"]["value"], c["rule"]["label"], color_=VERMILLION)
    axis = dict(c.get("valueAxis") or {})
    axis.setdefault("includesZero", False)
    style_value_axis(ax, axis)
    style_time_axis(ax)
    return page


def histogram(c):
    page = Page(c)
    x_axis = c.get("valueAxis") or {}
    ax = page.axes(left=64, x_title=bool(x_axis.get("title")))
    v = values(c["values"])
    v = v[np.isfinite(v)]
    width, origin = float(c["binWidth"]), float(c.get("binOrigin", 0))
    if v.size:
        first = math.floor((v.min() - origin) / width)
        last = math.floor((v.max() - origin) / width)
        edges = origin + width * np.arange(first, last + 2)
        ax.hist(v, bins=edges, rwidth=0.92, color=color(c.get("color"), BLUE))
        low, high = edges[0], edges[-1]
        if c.get("marker"):
            low, high = min(low, c["marker"]["value"]), max(high, c["marker"]["value"])
        ax.set_xlim(low, high)
    style_value_axis(ax, c.get("countAxis"))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    if c.get("marker"):
        rule(ax, "x", c["marker"]["value"], c["marker"]["label"])
    ax.xaxis.set_major_formatter(formatter(x_axis.get("format", "number")))
    if x_axis.get("title"):
        ax.set_xlabel(x_axis["title"])
    return page


def pareto(c):
    page = Page(c)
    pairs = [(n, v) for n, v in zip(c["categories"], c["values"]) if v is not None]
    pairs.sort(key=lambda p: -p[1])
    limit = c.get("maxCategories")
    if limit and limit >= 1 and len(pairs) > limit:
        rest = pairs[limit - 1:]
        pairs = pairs[: limit - 1] + [(f"All other ({len(rest)})", sum(v for _, v in rest))]
    names = [n for n, _ in pairs]
    heights = np.array([v for _, v in pairs], dtype=float)
    total = heights.sum()
    share = np.cumsum(heights) / total if total > 0 else np.zeros_like(heights)
    page.legend([Patch(color=BLUE), line_handle(VERMILLION, True)],
                [c.get("valueName", "Amount"), c.get("cumulativeName", "Cumulative share")])
    ax = page.axes(left=64, right=48)
    if not category_fits(names, FULL["label"], ax.get_position().width * page.width):
        ax.remove()
        page.top -= FULL["label"] * 0.9
        ax = page.axes(left=64, right=48, bottom_labels=rotated_band(names, FULL["label"], 120))
    x = np.arange(len(names))
    ax.bar(x, heights, width=0.8, color=BLUE)
    right = ax.twinx()
    right.spines["right"].set_visible(False)
    right.plot(x, share, color=VERMILLION, marker="o", ms=7.2, markeredgecolor="white",
               markeredgewidth=1.25)
    style_value_axis(ax, c.get("valueAxis"))
    style_value_axis(right, {"format": "percent", "domain": [0, 1], "gridlines": False}, "right")
    if c.get("threshold") is not None:
        rule(right, "y", c["threshold"], percent(c["threshold"]))
    style_categories(ax, names)
    return page


def fan(c):
    page = Page(c)
    hue = color(c.get("color"), BLUE)
    x = days(c["forecastDays"])
    history = bool(c.get("historyDays"))
    handles, labels = [], []
    if history:
        handles.append(line_handle(TEXT))
        labels.append("Actual")
    handles += [Patch(color=hue, alpha=0.16), Patch(color=hue, alpha=0.3),
                line_handle(hue, dash=(7, 4))]
    labels += ["P5–P95", "P25–P75", "Median forecast"]
    page.legend(handles, labels)
    ax = page.axes(left=64)
    if history:
        ax.plot(days(c["historyDays"]), values(c["history"]), color=TEXT)
    ax.fill_between(x, values(c["p5"]), values(c["p95"]), color=hue, alpha=0.16, lw=0)
    ax.fill_between(x, values(c["p25"]), values(c["p75"]), color=hue, alpha=0.3, lw=0)
    ax.plot(x, values(c["p50"]), color=hue, dashes=(7, 4))
    style_value_axis(ax, c.get("valueAxis"))
    if history and c.get("forecastStartLabel") and len(x):
        rule(ax, "x", x[0], c["forecastStartLabel"])
    style_time_axis(ax)
    return page


# --- Hand-built charts and small multiples ---------------------------------------------------


def mark_colors(marks):
    """Explicit colours, else the palette in order (rules and texts take none)."""
    next_index = 0
    result = []
    for m in marks:
        if m["type"] == "bars":
            group = []
            for s in m["series"]:
                if s.get("color") is None:
                    group.append(PALETTE[next_index % len(PALETTE)])
                    next_index += 1
                else:
                    group.append(color(s["color"], None))
            result.append(group)
        elif m["type"] in ("rule", "text"):
            result.append([color(m.get("color"), RULE if m["type"] == "rule" else TEXT)])
        elif m.get("color") is None:
            result.append([PALETTE[next_index % len(PALETTE)]])
            next_index += 1
        else:
            result.append([color(m["color"], None)])
    return result


def legend_entries(marks, colors):
    handles, labels = [], []
    for m, k in zip(marks, colors):
        t = m["type"]
        if t == "line" and m.get("name"):
            handles.append(line_handle(k[0], m.get("showsPoints"), dashes(m.get("dash"))))
            labels.append(m["name"])
        elif t in ("area", "band") and m.get("name"):
            handles.append(Patch(color=k[0], alpha=m.get("opacity", 0.2)))
            labels.append(m["name"])
        elif t == "bars":
            for s, sk in zip(m["series"], k):
                if s.get("name"):
                    handles.append(Patch(color=sk))
                    labels.append(s["name"])
        elif t == "points" and m.get("name"):
            handles.append(Line2D([], [], ls="", marker="o", color=k[0]))
            labels.append(m["name"])
    return handles, labels


def legend_shown(chart, count):
    visibility = chart.get("legend", "automatic")
    return count >= 2 if visibility == "automatic" else (count >= 1 and visibility == "visible")


def draw_bars(target, m, colors, categories):
    """Grouped or stacked bars: category slots are 0.8 wide, else the mark's width."""
    x = values(m["x"])
    series = m["series"]
    if categories:
        slot = 0.8
    else:
        slot = m.get("width") or (np.diff(np.unique(x)).min() * 0.8 if len(x) > 1 else 0.8)
    if m.get("layout", "grouped") == "stacked":
        up, down = np.zeros(len(x)), np.zeros(len(x))
        for s, k in zip(series, colors):
            v = np.nan_to_num(values(s["values"])[: len(x)])
            n = len(v)
            target.bar(x[:n], v, bottom=np.where(v >= 0, up[:n], down[:n]), width=slot, color=k)
            up[:n] += np.where(v >= 0, v, 0)
            down[:n] += np.where(v < 0, v, 0)
        return
    sub = slot / max(len(series), 1)
    gap = 0.9 if len(series) > 1 else 1.0
    for i, (s, k) in enumerate(zip(series, colors)):
        v = values(s["values"])[: len(x)]
        offset = (i - (len(series) - 1) / 2) * sub
        target.bar(x[: len(v)] + offset, v, width=sub * gap, color=k)


def draw_marks(ax, chart, colors, label_size):
    """Every mark of a hand-built chart, on the left axis or a twin right axis."""
    categories = chart["xAxis"]["kind"] == "categories"
    right = None
    for m, k in zip(chart["marks"], colors):
        target = ax
        if m.get("axis") == "right":
            right = right or ax.twinx()
            target = right
        t = m["type"]
        if t == "line":
            width = m.get("lineWidth", 2.25)
            target.plot(values(m["x"]), values(m["y"]), color=k[0], lw=width,
                        dashes=dashes(m.get("dash")),
                        marker="o" if m.get("showsPoints") else None, ms=width * 3.2,
                        markeredgecolor="white", markeredgewidth=1.25)
        elif t == "area":
            x, y = values(m["x"]), values(m["y"])
            target.fill_between(x, y, m.get("baseline", 0), color=k[0],
                                alpha=m.get("opacity", 0.3), lw=0)
            if m.get("strokesEdge", True):
                target.plot(x, y, color=k[0], lw=1.5)
        elif t == "band":
            target.fill_between(values(m["x"]), values(m["lower"]), values(m["upper"]),
                                color=k[0], alpha=m.get("opacity", 0.2), lw=0)
        elif t == "bars":
            draw_bars(target, m, k, categories)
        elif t == "points":
            target.scatter(values(m["x"]), values(m["y"]), s=(m.get("radius", 3.5) * 2) ** 2,
                           color=k[0])
        elif t == "rule":
            vertical = "y" not in m
            rule(ax if vertical else target, "x" if vertical else "y", m["x" if vertical else "y"],
                 m.get("label"), k[0], dashes(m.get("dash", [6, 4])), m.get("lineWidth", 1.5),
                 label_size)
        elif t == "text":
            anchor = m.get("anchor") or {"horizontal": "start", "vertical": "bottom"}
            ha = {"start": "left", "middle": "center", "end": "right"}[anchor["horizontal"]]
            va = {"top": "top", "middle": "center", "baseline": "baseline",
                  "bottom": "bottom"}[anchor["vertical"]]
            target.text(m["x"], m["y"], m["text"], ha=ha, va=va, size=m.get("size") or label_size,
                        weight=m.get("weight", "regular"), color=k[0])
    return right


def style_chart_axes(ax, right, chart, size, compact=False):
    style_value_axis(ax, chart.get("yAxis"), size=size)
    if right is not None:
        right.spines["right"].set_visible(False)
        style_value_axis(right, chart.get("rightAxis"), side="right", size=size)
    x_axis = chart["xAxis"]
    kind = x_axis["kind"]
    if kind == "categories":
        style_categories(ax, x_axis.get("categories", []), size)
    elif kind == "time":
        style_time_axis(ax, size, max_ticks=5 if compact else 8)
    else:
        ax.xaxis.set_major_formatter(formatter(x_axis.get("format", "number")))
        ax.tick_params(axis="x", labelsize=size)
    if x_axis.get("domain"):
        ax.set_xlim(*x_axis["domain"])
    if x_axis.get("title"):
        ax.set_xlabel(x_axis["title"], size=size)


def hand_built(c):
    page = Page(c)
    colors = mark_colors(c["marks"])
    handles, labels = legend_entries(c["marks"], colors)
    if legend_shown(c, len(handles)):
        page.legend(handles, labels)
    has_right = any(m.get("axis") == "right" for m in c["marks"])
    x_axis = c["xAxis"]
    names = x_axis.get("categories", []) if x_axis["kind"] == "categories" else []
    ax = page.axes(left=64, right=64 if has_right else None, x_title=bool(x_axis.get("title")))
    if names and not category_fits(names, FULL["label"], ax.get_position().width * page.width):
        ax.remove()
        page.top -= FULL["label"] * 0.9
        ax = page.axes(left=64, right=64 if has_right else None,
                       bottom_labels=rotated_band(names, FULL["label"], 120),
                       x_title=bool(x_axis.get("title")))
    right = draw_marks(ax, c, colors, FULL["label"])
    style_chart_axes(ax, right, c, FULL["label"])
    return page


def small_multiples(c):
    page = Page(c)
    panels = c["panels"]
    if panels:
        colors = mark_colors(panels[0]["marks"])
        handles, labels = legend_entries(panels[0]["marks"], colors)
        if len(handles) >= 2:
            page.legend(handles, labels)
    page.top += 10
    if not panels:
        return page
    columns = max(1, min(int(c.get("columns", 2)), len(panels)))
    rows = math.ceil(len(panels) / columns)
    gap = 10.0
    size = COMPACT["label"]
    grid_left = page.pad - 6
    grid_width = page.width - 2 * grid_left
    grid_height = page.height - page.top - page.bottom
    cell_w = (grid_width - gap * (columns - 1)) / columns
    cell_h = (grid_height - gap * (rows - 1)) / rows
    shared = None
    if c.get("sharesYDomain", True):
        lows, highs = [], []
        for p in panels:
            for m in p["marks"]:
                for key in ("y", "lower", "upper"):
                    if key in m:
                        v = values(m[key])
                        if np.isfinite(v).any():
                            lows.append(np.nanmin(v))
                            highs.append(np.nanmax(v))
                for s in m.get("series", []):
                    v = values(s["values"])
                    if np.isfinite(v).any():
                        lows.append(min(0, np.nanmin(v)))
                        highs.append(np.nanmax(v))
        if lows:
            shared = [min(lows + [0]), max(highs)]
    left_labels = 40.0
    title_band = COMPACT["title"] * LINE_HEIGHT + 6
    x_band = size * LINE_HEIGHT + 8
    for index, panel in enumerate(panels):
        row, column = divmod(index, columns)
        x0 = grid_left + column * (cell_w + gap) + COMPACT["pad"] + left_labels
        top = page.top + row * (cell_h + gap) + COMPACT["pad"] + title_band
        w = cell_w - 2 * COMPACT["pad"] - left_labels
        h = cell_h - 2 * COMPACT["pad"] - title_band - x_band
        ax = page.fig.add_axes(
            [x0 / page.width, 1 - (top + h) / page.height, w / page.width, h / page.height])
        # A fixed y skips matplotlib's title auto-placement (a tight-bbox pass per panel).
        ax.set_title(panel.get("title", ""), loc="left", size=COMPACT["title"], weight="bold",
                     color=TEXT, y=1.0, pad=6)
        right = draw_marks(ax, panel, mark_colors(panel["marks"]), size)
        if shared and not (panel.get("yAxis") or {}).get("domain"):
            panel = dict(panel, yAxis=dict(panel.get("yAxis") or {}, domain=shared, tickCount=4))
        style_chart_axes(ax, right, panel, size, compact=True)
    return page


KINDS = {
    "dualAxisBarLine": dual_axis_bar_line,
    "stackedBar": stacked_bar,
    "lineRule": line_rule,
    "histogram": histogram,
    "pareto": pareto,
    "fan": fan,
    "smallMultiples": small_multiples,
    "chart": hand_built,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Draw arcadence's chart data with matplotlib.")
    parser.add_argument("data", help="chart data file (arcadence charts --data-out)")
    parser.add_argument("out", help="folder for the chart files")
    parser.add_argument("--format", default="png,svg", help="comma-separated: png, svg, pdf")
    parser.add_argument("--scale", type=float, default=2.0, help="PNG pixel scale (2 = high-DPI)")
    args = parser.parse_args(argv)
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    started = time.perf_counter()
    with open(args.data, encoding="utf-8") as handle:
        document = json.load(handle)
    if document.get("format") != "arcadence-charts" or document.get("version") != 1:
        sys.exit(f"error: {args.data}: not an arcadence-charts version 1 file")
    os.makedirs(args.out, exist_ok=True)
    written = []
    for entry in document["charts"]:
        chart = entry["chart"]
        draw = KINDS.get(chart["kind"])
        if draw is None:
            sys.exit(f"error: {entry['name']}: unknown chart kind {chart['kind']!r}")
        written += draw(chart).save(args.out, entry["name"], formats, args.scale)
    elapsed = time.perf_counter() - started
    print(f"wrote {len(written)} files ({len(document['charts'])} charts) to {args.out} "
          f"in {elapsed:.2f} s (after imports)")


if __name__ == "__main__":
    main()
