"""The charts layer: matplotlib figures in one shared style, each a PNG with alt text.

Every chart function returns a `Chart` (the small multiples a list of them, one per printed
page): the PNG (200 dpi, sized for the text width of an A4 page), an alternative text
stating what the chart shows with its key numbers, and a caption, both in the report's
language. One figure kind per module (`goal`, `panels`,
`distribution`, `gap`, `monthly`), one shared style (`style`); every word comes from the message
catalog (`text/messages/charts.yaml`). Charts read the model and the assessment frame,
never a source or the store.
"""

from collab_metrics.charts.chart import Chart
from collab_metrics.charts.distribution import distribution_chart
from collab_metrics.charts.gap import gap_chart
from collab_metrics.charts.goal import goal_chart, sparkline
from collab_metrics.charts.monthly import situation_chart
from collab_metrics.charts.panels import actor_small_multiples
from collab_metrics.charts.style import DPI, OKABE_ITO, WIDTH

__all__ = [
    "DPI",
    "OKABE_ITO",
    "WIDTH",
    "Chart",
    "actor_small_multiples",
    "distribution_chart",
    "gap_chart",
    "goal_chart",
    "situation_chart",
    "sparkline",
]
