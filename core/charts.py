"""Bar charts drawn on the server as inline SVG: no script (the Content-Security-Policy
allows none inline), no style attributes (colours come from app.css classes), and
accessible: each chart is an image named by its title and summed up in its description,
and the page shows the same numbers in a table beside it.

Numbers are placed with integer arithmetic on a fixed view box; the browser scales it.
"""

from django.utils.html import format_html, format_html_join

WIDTH = 640
ROW = 26  # height of one bar of a horizontal chart
LABEL = 220  # room for the labels left of horizontal bars
COLUMN_HEIGHT = 180  # plot height of a column chart


def _scale(value, largest, length) -> int:
    return round(value * length / largest) if largest else 0


def bar_chart(*, chart_id: str, title: str, summary: str, items) -> str:
    """Horizontal bars, one per (label, value, shown value) of `items`, largest first as
    given. `shown value` is the text at the end of the bar (a count, "12 (4.5%)")."""
    items = list(items)
    height = max(len(items), 1) * ROW + 8
    largest = max((value for _label, value, _shown in items), default=0)
    room = WIDTH - LABEL - 90
    bars = format_html_join(
        "",
        '<text class="chart__label" x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect class="chart__bar" x="{}" y="{}" width="{}" height="{}"></rect>'
        '<text class="chart__value" x="{}" y="{}">{}</text>',
        (
            (
                LABEL - 8,
                i * ROW + 18,
                label[:34],
                LABEL,
                i * ROW + 5,
                max(_scale(value, largest, room), 1 if value else 0),
                ROW - 8,
                LABEL + max(_scale(value, largest, room), 1 if value else 0) + 6,
                i * ROW + 18,
                shown,
            )
            for i, (label, value, shown) in enumerate(items)
        ),
    )
    return _svg(chart_id, title, summary, height, bars)


def column_chart(*, chart_id: str, title: str, summary: str, items, legend=()) -> str:
    """Columns over time: one group per (label, first value, second value) of `items`,
    the first series drawn full, the second (items, say) as a narrower column inside it,
    `legend` naming the series. Only a few labels are written under the axis, so that
    they never overlap."""
    items = list(items)
    series = 2
    count = max(len(items), 1)
    left, bottom = 40, 44
    plot = WIDTH - left - 8
    step = plot / count
    largest = max((max(values[:series]) for _label, *values in items), default=0)
    height = COLUMN_HEIGHT + bottom + 8
    every = max(1, round(count / 8))
    parts = []
    for i, (label, *values) in enumerate(items):
        x = left + i * step
        for n, value in enumerate(values[:series]):
            h = _scale(value, largest, COLUMN_HEIGHT)
            inset = step * (0.1 + 0.2 * n)
            parts.append(
                format_html(
                    '<rect class="chart__bar chart__bar--{}" x="{}" y="{}" width="{}" '
                    'height="{}"></rect>',
                    n,
                    f"{x + inset:.1f}",
                    8 + COLUMN_HEIGHT - h,
                    f"{max(step - 2 * inset, 0.5):.1f}",
                    h,
                )
            )
        if i % every == 0:
            parts.append(
                format_html(
                    '<text class="chart__label" x="{}" y="{}">{}</text>',
                    f"{x:.1f}",
                    height - 26,
                    label,
                )
            )
    axis = format_html(
        '<line class="chart__axis" x1="{}" y1="{}" x2="{}" y2="{}"></line>'
        '<text class="chart__label" x="{}" y="{}" text-anchor="end">{}</text>'
        '<text class="chart__label" x="{}" y="{}" text-anchor="end">0</text>',
        left,
        8 + COLUMN_HEIGHT,
        WIDTH - 8,
        8 + COLUMN_HEIGHT,
        left - 6,
        18,
        largest,
        left - 6,
        8 + COLUMN_HEIGHT,
    )
    keys = format_html_join(
        "",
        '<rect class="chart__bar chart__bar--{}" x="{}" y="{}" width="12" height="12"></rect>'
        '<text class="chart__label" x="{}" y="{}">{}</text>',
        (
            (n, left + n * 160, height - 14, left + n * 160 + 18, height - 3, name)
            for n, name in enumerate(legend)
        ),
    )
    body = axis + format_html_join("", "{}", ((part,) for part in parts)) + keys
    return _svg(chart_id, title, summary, height, body)


def _svg(chart_id, title, summary, height, body) -> str:
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        summary,
        body,
    )
