"""`collab portfolio`: one overview across collaborations, or one actor's view of them."""

from __future__ import annotations

from pathlib import Path

import click

from collab_metrics.cli.options import FORMATS, OUT, PARAMS, STORE, UserError, formats_of
from collab_metrics.model.framework import load_framework
from collab_metrics.report import portfolio as portfolios
from collab_metrics.report import portfolio_out
from collab_metrics.store import default_store_path


@click.command()
@click.argument("params", type=PARAMS, nargs=-1, required=True)
@click.option("--actor", help="One actor's view: an actor id, org_id or area code.")
@OUT
@FORMATS
@click.option("--fresh", is_flag=True, help="Assess each collaboration afresh from the store.")
@click.option("--language", type=click.Choice(["sv", "en"]), help="Default: sv, or en when "
              "every framework is in English.")  # fmt: skip
@STORE
def portfolio(
    params: tuple[Path, ...],
    actor: str | None,
    out_dir: Path,
    formats: str,
    fresh: bool,
    language: str | None,
    store_path: Path | None,
) -> None:
    """One overview across collaborations (PARAMS...), from their latest reports in OUT.

    Writes OUT/portfolio.html, .pdf and .xlsx (OUT/portfolio-ACTOR.* with --actor).
    """
    chosen = formats_of(formats)
    paths = list(params)
    frameworks = [load_framework(p) for p in paths]  # bad input: exit 2, nothing written
    portfolios.check_identities(paths, frameworks)
    store = store_path or default_store_path()
    if fresh and not store.exists():
        raise UserError(f"no data in {store} yet; run: collab fetch PARAMS")
    sources = portfolios.read_sources(paths, frameworks, out_dir, fresh=fresh, store=store)
    chosen_language = language or (
        "en" if all(f.collaboration.language == "en" for f in frameworks) else "sv"
    )
    view = portfolios.portfolio_view(sources, chosen_language, actor=actor)  # type: ignore[arg-type]
    for path in portfolio_out.write(view, out_dir, chosen, actor):
        click.echo(f"wrote {path}")
    for line in portfolios.console_lines(view):
        click.echo(line)
