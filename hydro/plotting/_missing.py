"""What a plot says when the results lack a variable it needs: how to write a file that holds it
(what the run that wrote these results left out) and which variables the file has."""

from __future__ import annotations


def how_to_write(results, name: str) -> str:
    """How to get a results file holding ``name``: what the run that wrote these results left out."""
    history = str(results.attrs.get("history", ""))
    if "member" in results.coords or "--members" in history:
        return (f"A weather ensemble (--members) keeps only a few variables unless told: run it again with "
                f"--variables {name},... (hydro run BASIN --members N --variables {name},...)")
    if "--variables" in history:
        return (f"They were written with --variables: run again with '{name}' among them, or without "
                "--variables to write every variable")
    from hydro.variables import species_sources

    if name in species_sources(str(results.attrs.get("species", ""))):  # on request only
        return (f"A basin run writes it when asked: hydro run BASIN -o RESULTS.nc --variables default,{name} "
                "(or default,species_sources: every species' apportionment by source)")
    return "A basin run writes it: hydro run BASIN -o RESULTS.nc (the default variables unless --variables is given)"


def variables_like(results, name: str, most: int = 12) -> str:
    """The results' variables, after the advice (a file holds a hundred): all where they are few, else
    those ending as ``name`` does (``*_source_load``) and how to list the rest."""
    have = sorted(results.data)
    if len(have) <= most:
        return f"They have: {', '.join(have) or 'none'}"
    tail = name.split("_", 1)[-1]
    like = [v for v in have if v.endswith("_" + tail) or v == tail]
    shown = f"those ending in _{tail}: {', '.join(like)}; " if like else ""
    return f"They have {len(have)} variables ({shown}`hydro info RESULTS.nc` lists them all)"
