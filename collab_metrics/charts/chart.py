"""The `Chart` every chart function returns (PNG, alt text and caption), and the figure
it is drawn on: on the Agg canvas, never registered with pyplot, so that no figure stays
open however many charts a report draws."""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from collab_metrics.charts.style import DPI, WIDTH


@dataclass(frozen=True)
class Chart:
    """A rendered chart: PNG bytes, alternative text and caption in the report language.

    `width` and `height` are the intended display size in inches; `html()` uses them so
    that the 200 dpi image is shown at its print size rather than at its pixel size.
    """

    png: bytes
    alt: str
    caption: str
    width: float
    height: float

    def html(self) -> str:
        """A `<figure>` with the PNG inlined as a data URI; every text is HTML-escaped."""
        data = base64.b64encode(self.png).decode("ascii")
        # 96 CSS pixels per inch: the browser shows the image at its print size.
        size = f'width="{round(self.width * 96)}" height="{round(self.height * 96)}"'
        image = f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}" {size}>'
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return f'<figure class="chart">{image}{caption}</figure>'

    def _repr_html_(self) -> str:
        """JupyterLab shows the chart at its print size, with its caption."""
        return self.html()

    def _repr_png_(self) -> bytes:
        """For front ends without HTML."""
        return self.png


def new_figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas, outside pyplot, so that nothing keeps it alive."""
    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def figure_with_axes() -> tuple[Figure, Axes]:
    """A figure whose size and axes position `compose` sets once the texts are known."""
    fig = new_figure(WIDTH, 4.0)
    return fig, fig.add_axes((0.1, 0.1, 0.8, 0.8))


def whole_pixels(inches: float) -> float:
    """A size that is a whole number of pixels at DPI, so that `Chart` states it exactly."""
    return round(inches * DPI) / DPI


def render_chart(fig: Figure, alt: str, caption: str) -> Chart:
    """The figure as a PNG at DPI, with its alt text and caption.

    The PNG is RGB, without matplotlib's alpha channel: the background is opaque white
    anyway, and an alpha channel makes WeasyPrint split every chart into a colour image and
    a mask and compress both again for the PDF (a quarter of an actor extract's export)."""
    canvas = fig.canvas
    assert isinstance(canvas, FigureCanvasAgg), "new_figure draws on the Agg canvas"
    canvas.draw()
    rgba = canvas.buffer_rgba()
    height, width = rgba.shape[:2]
    # Pillow drops the alpha channel in one pass over the buffer (a third of the time of
    # handing it numpy's strided RGB view, which it copies first).
    pixels = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    # zlib level 1: a quarter faster than matplotlib's 6 for a file 4 % larger (the same
    # pixels), and still smaller than matplotlib's RGBA one.
    pixels.save(buffer, format="png", dpi=(DPI, DPI), compress_level=1)
    width, height = fig.get_size_inches()
    return Chart(buffer.getvalue(), alt, caption, float(width), float(height))
