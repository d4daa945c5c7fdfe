"""``footcam validate DIR``: accuracy of the whole pipeline against rendered ground truth."""
from __future__ import annotations

import json
from pathlib import Path

import click

from . import handle_errors


@click.command("validate")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--only", multiple=True, help="Validate only these clip names (repeatable).")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the per-angle table as CSV.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of Markdown.")
@click.option("-q", "--quiet", is_flag=True)
@handle_errors
def command(folder, only, csv_path, as_json, quiet):
    """Analyse every clip with truth files under FOLDER (synthwalk's format: <name>.mp4 +
    <name>.truth.csv + <name>.json) and print RMSE, bias, r and coverage per angle and side,
    for footcam and for the raw-MediaPipe baseline computed in the same run."""
    from ..validate import markdown_tables, validate

    log = (lambda m: None) if quiet else (lambda m: click.echo(m, err=True))
    errors, facts = validate(folder, only=list(only) or None, log=log)
    if csv_path:
        errors.to_csv(csv_path, index=False, float_format="%.3f")
    if as_json:
        click.echo(json.dumps({"clips": json.loads(facts.to_json(orient="records")),
                               "angles": json.loads(errors.to_json(orient="records"))}, indent=2))
    else:
        click.echo(markdown_tables(errors, facts))
