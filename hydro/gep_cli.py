"""``hydro gep``: gross ecosystem product of water purification and conservation (:mod:`hydro.gep`), of one
results file, or of several basins' files valued together (docs/commands/gep.md).

Several files: a county that lies in two basins (Yanqing drains to Miyun and to Guanting) is summed with
``--by county``, which took the two files' CSVs and a spreadsheet before (a planner's review, 2026-12-06).
The files must be of different basins, over the same days and the same scenarios, so that every row of the
table adds like to like.
"""

from __future__ import annotations

import click

from hydro.cli_output import generated_weather_note


@click.command("gep")
@click.argument("results", metavar="RESULTS.nc...", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="CSV of the GEP rows.")
@click.option("--overwrite", is_flag=True, help="Replace the -o file if it exists.")
@click.option("--prices", type=click.Path(dir_okay=False),
              help="TOML of unit prices (default: the cited schedule in hydro/gep_prices.py; also sets the "
                   "water-conservation form and the purification targets).")
@click.option("--basin", help="Basin the results came from (default: the one they name; read for subbasin areas "
                              "the results lack and for the withdrawals: channel losses are not abstraction). "
                              "Another basin is refused. One results file only.")
@click.option("--by", type=click.Choice(["subbasin", "county"]), default="subbasin", show_default=True,
              help="Rows per subbasin or per county.")
@click.option("--partial-years", type=click.Choice(["label", "omit"]), default="label", show_default=True,
              help="Years the run covers only in part: labelled with '*', or left out.")
@click.option("--price-year", type=click.IntRange(1900, 2200), default=None,
              help="Value every year at this year's prices (constant prices; default: each year at its own).")
@click.option("--scenario", "scenarios", multiple=True, metavar="S",
              help="Only this scenario of a hydro scenarios file (repeatable; default: every one); with several "
                   "files, each must hold it.")
def gep_command(results, output, overwrite, prices, basin, by, partial_years, price_year=None, scenarios=()):
    """Gross ecosystem product: water purification and water conservation, in yuan.

    Per scenario, year and subbasin (or county); prints totals per scenario and year.  Several results
    files (one per basin, over the same days) are valued together: --by county sums a county that lies in
    more than one basin.
    """
    from hydro.clitools import files_read, refuse_empty_output
    from hydro.gep import GepPrices, by_county, format_table, gep, write_csv
    from hydro.gep_inputs import named_basin
    from hydro.netcdf import check_hydro_results
    from hydro.output_names import check_csv_name
    from hydro.outputs import check_output
    from hydro.results import load_results

    paths = list(results)
    if basin is not None and len(paths) > 1:
        raise click.UsageError("--basin goes with one results file (each of several names its own basin)")
    refuse_empty_output(output, "-o", "a name ending in .csv", "to print the table only")
    if output:  # before computing anything
        check_output(output, overwrite, inputs=files_read(*paths, prices, basin))
        check_csv_name(output, "hydro gep", "its GEP table as CSV")  # after: an input named as -o is refused as such
    loaded = [check_hydro_results(load_results(p), p, "gep", sections=False) for p in paths]
    chosen = list(dict.fromkeys(scenarios))
    check_together(paths, loaded, chosen)
    if output and basin is None:  # the basins the results name are read too
        check_output(output, overwrite, inputs=files_read(*(named_basin(r) for r in loaded)))
    unit_prices = GepPrices.from_toml(prices) if prices else GepPrices()
    rows: list[dict] = []
    counties: list[set[str]] = []  # each file's
    for path, res in zip(paths, loaded, strict=True):
        got = gep(res, unit_prices if price_year is None else unit_prices.at_year(price_year), basin=basin,
                  partial_years=partial_years, where=path)
        if not got:  # --partial-years omit, and the run covers no whole year: an empty table said nothing
            years = sorted({d.year for d in res.coords["time"]})
            click.echo(f"note: {path}: every year the run covers ({', '.join(map(str, years))}) is partial, and "
                       "--partial-years omit leaves them out: no rows; --partial-years label lists them", err=True)
        generated_weather_note(path, res.attrs, "water conservation and purification", res.dates[0])
        _estimated_weather_rows(path, res, got)
        got = [r for r in got if not chosen or r["scenario"] in chosen]
        rows += got
        counties.append({r["county"] for r in got})
    if price_year is not None:  # said where the table is read: its yuan are not each year's own
        click.echo(f"note: every year is valued at {price_year}'s prices (constant prices, --price-year)", err=True)
    if len(paths) > 1:
        _say_together(loaded, counties, by)
    if by == "county":
        rows = by_county(rows)
    click.echo(format_table(rows))
    if output:
        from hydro.provenance import gep_provenance

        write_csv(rows, output, overwrite=overwrite, same=gep_provenance(paths, prices, price_year))
        click.echo(f"written: {output}")


def check_together(paths: list, loaded: list, chosen: list[str] | None = None) -> None:
    """Refuse results that cannot be valued together: two of one basin (counted twice), or files over other
    days or other scenarios than the first's (a county's total would add a year of one basin to nothing); with
    ``chosen`` scenarios (``--scenario``), each file must hold them (and may hold others)."""
    from hydro.cli_output import chosen_scenarios
    from hydro.errors import HydroError

    def scenarios(res) -> list[str]:
        return [str(s) for s in res.coords.get("scenario", [])] or [str(res.attrs.get("scenario", "baseline"))]

    first, seen = loaded[0], dict[str, object]()
    for path, res in zip(paths, loaded, strict=True):
        name = str(res.attrs.get("basin", path))
        if name in seen:
            raise HydroError(f"{path}: of basin '{name}', as {seen[name]} is: its GEP would be counted twice; "
                             "give each basin's results once")
        seen[name] = path
        if res.dates != first.dates:
            raise HydroError(f"{path}: covers {res.dates[0]}..{res.dates[-1]}, {paths[0]} "
                             f"{first.dates[0]}..{first.dates[-1]}: results valued together must cover the same days "
                             "(run each basin over one period, e.g. hydro run BASIN --start D --end D)")
        held = scenarios(res)
        chosen_scenarios(path, held, chosen or ())
        if not chosen and held != scenarios(first):
            raise HydroError(f"{path}: its scenarios ({', '.join(held)}) are not those of {paths[0]} "
                             f"({', '.join(scenarios(first))}): results valued together must hold the same scenarios "
                             "(--scenario S picks those they share)")


def _say_together(loaded: list, counties: list[set[str]], by: str) -> None:
    """A note on stderr: the totals are of several basins, and (``--by county``) which counties lie in more than
    one (``counties``: each file's)."""
    basins = [str(r.attrs.get("basin", "?")) for r in loaded]
    click.echo(f"note: the totals are of {len(basins)} basins' results together ({', '.join(basins)})", err=True)
    shared = sorted({c for i, cs in enumerate(counties) for c in cs if any(c in o for o in counties[i + 1:])})
    if by == "county" and shared:
        click.echo(f"note: {', '.join(shared)} lie{'s' if len(shared) == 1 else ''} in more than one basin: "
                   "its rows sum them", err=True)


def _estimated_weather_rows(path, res, rows: list[dict]) -> None:
    """Say on stderr, and in the note of each row of such a year, which days of the run's weather its station file
    marks ESTIMATE: water conservation and purification follow the rain (a planner's review, 2026-12-06: a 2020 GEP
    by county rested wholly on 2017-2020's estimate, absent rain read as 0 mm, and said nothing)."""
    from hydro.weather_provenance import estimated_by_year, estimated_in_results

    whole = estimated_in_results(res.attrs, res.dates[0], res.dates[-1])
    if not whole:
        return
    click.echo(f"note: {path}: the run's weather is an estimate on {whole} (its station file says so): the water "
               "conservation and purification of those days rest on it", err=True)
    by_year = estimated_by_year(res.attrs, res.dates[0], res.dates[-1])
    for r in rows:
        year = r.get("year")
        said = by_year.get(year) if isinstance(year, int) else None
        if said:
            r["note"] = "; ".join(x for x in (r.get("note") or "", f"weather an ESTIMATE on {said}") if x)
