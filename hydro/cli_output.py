"""What several commands print the same way: a note on generated weather, and rows as JSON."""

from __future__ import annotations

import json
import math

import click


def generated_weather_note(path, attrs=None, what: str = "payments", first=None) -> None:
    """On stderr, :func:`hydro.compensation.notes.generated_weather_text` (nothing for a run on the station record)."""
    from hydro.compensation.notes import generated_weather_text

    text = generated_weather_text(path, attrs, what, first)
    if text:
        click.echo(text, err=True)


def json_rows(rows: list[dict]) -> str:
    """``rows`` as a JSON list, a NaN or infinite number as ``null`` (JSON has neither)."""
    clean = [{k: None if isinstance(v, float) and not math.isfinite(v) else v for k, v in r.items()} for r in rows]
    return json.dumps(clean, indent=1, ensure_ascii=False)


def chosen_scenarios(path, held: list[str], chosen) -> list[str]:
    """The scenarios ``--scenario`` names (repeatable; in its order, each once), after checking that ``path``
    holds each of them (``held``: its scenarios); an unknown name is refused with the nearest one and the list."""
    from hydro.errors import suggest

    for s in chosen:
        if s not in held:
            raise click.BadParameter(f"{path} holds no scenario '{s}'" + suggest(s, held)
                                     + f"; it has {', '.join(held)}", param_hint="--scenario")
    return list(dict.fromkeys(chosen))
