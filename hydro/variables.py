"""Declared output variables: the one place where names, dimensions, units and long names live.

Every variable a :class:`~hydro.results.Results` can hold is declared here; the
netCDF writer takes ``units`` and ``long_name`` from these declarations and
nowhere else.  Per-constituent variables are templates with ``{c}`` (the
constituent's short name, e.g. ``tn``) and ``{C}`` (its long name).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from hydro.errors import HydroError


@dataclass(frozen=True)
class Variable:
    """An output variable.

    Attributes
    ----------
    name : str
        lower_snake_case name (a template with ``{c}`` for per-constituent ones).
    dims : tuple of str
        Dimension names.
    units : str
        UDUNITS string.
    long_name : str
        Human-readable description (may use ``{C}``).
    standard_name : str
        CF standard name, "" where the CF standard-name table has none for the quantity
        (:data:`RIVER_MASS_TRANSPORT` for a template's: only constituents it names have one).
    state : bool
        A storage at the end of the day (water or nitrogen held), not a flux or a daily mean: a
        file aggregated over periods (``--aggregate``) holds its value on each period's last
        simulated day (``cell_methods = "time: point"``), not its mean over the period's days, so
        that Δ storage between two periods' ends closes a budget with the fluxes' means × days.
        Every variable on ``time`` whose long name says "at the end of the day" is one but the
        reservoirs' concentrations, whose period means are what monitoring compares with
        (tests/test_aggregate_state_variables.py).
    """

    name: str
    dims: tuple[str, ...]
    units: str
    long_name: str
    standard_name: str = ""
    state: bool = False

    def for_constituent(self, short: str, long: str) -> "Variable":
        """The concrete variable for one constituent (its long name with the element its masses count,
        :data:`CHEMICAL_BASIS`, where hydro knows it and the name does not say it)."""
        standard = RIVER_MASS_TRANSPORT.get(short, "") if self.standard_name == _TRANSPORT else self.standard_name
        basis = CHEMICAL_BASIS.get(short)
        named = f"{long} (as {basis})" if basis and "(as " not in long else long
        return Variable(self.name.format(c=short), self.dims, self.units, self.long_name.format(C=named), standard,
                        self.state)


#: What the masses of a constituent count, by short name: nitrogen's forms as N (NH3-N is not NH3, 17/14 of
#: it), phosphorus's as P, the permanganate index as O2 (GB 3838-2002's definitions; units review,
#: 2026-12-06: a file's mg L-1 did not say of what).
CHEMICAL_BASIS = {"tn": "N", "orgn": "N", "nh3n": "N", "no3n": "N", "tp": "P", "dp": "P", "pp": "P", "codmn": "O2"}


#: CF standard names (table version 93) of a constituent's load through a reach outlet or a
#: section, by short name: the table has a mass transport in river channels for total nitrogen
#: and total phosphorus only (none for NH3-N, nitrate, organic N, dissolved or particulate P, CODMn).
RIVER_MASS_TRANSPORT = {"tn": "nitrogen_mass_transport_in_river_channel",
                        "tp": "phosphorus_mass_transport_in_river_channel"}
_TRANSPORT = "{river mass transport}"  # a template's standard_name resolved by RIVER_MASS_TRANSPORT
#: CF standard names of the discharge in a river channel and of the inflow of a reach (the model's cell).
_DISCHARGE = "water_volume_transport_in_river_channel"
_INFLOW = "incoming_water_volume_transport_along_river_channel"


#: CF attributes of integer coordinates (in the file and in :meth:`hydro.results.Results.to_xarray`):
#: an ensemble's ``member`` is CF's ``realization`` (whose canonical units, "1", CF checkers want
#: stated).  No element id carries ``cf_role``: that attribute marks the instance variable of a
#: discrete sampling geometry (CF-1.8 chapter 9), which needs ``featureType`` and x/y coordinates;
#: a results file holds several instance dimensions (reach, section, reservoir ...) and no
#: positions, so it is not one (docs/results.md, "CF conventions").
COORDINATE_ATTRS = {"member": {"standard_name": "realization", "units": "1"}}


#: The phrase of a state's long name (:attr:`Variable.state`) that a file aggregated over periods says of the period.
END_OF_DAY = "at the end of the day"


def period_long_name(long_name: str, state: bool = False) -> str:
    """The ``long_name`` of a variable on ``time`` in a file aggregated over periods (``--aggregate``): a
    flux or daily mean ("... (daily mean)", beside ``cell_methods = "time: mean"``) read as what the file
    holds, its mean over each period (CF/ACDD review F8, 2026-12-06); a state (:attr:`Variable.state`,
    "... at the end of the day", beside ``cell_methods = "time: point"``) as its value at the end of each
    period, on the period's last simulated day (the upper bound of time_bnds)."""
    if state:
        if END_OF_DAY in long_name:
            return long_name.replace(END_OF_DAY, "at the end of the period", 1) + \
                "; its value on the period's last simulated day (time_bnds)"
        return f"{long_name}; value at the end of each period (time_bnds), on its last simulated day"
    return f"{long_name}; mean over each period (time_bnds) of its daily values"


def cell_methods(decl: "Variable") -> str:
    """The CF ``cell_methods`` of a variable on ``time`` in a file aggregated over periods: ``time: point``
    for a state (its value at the period's end), ``time: mean`` for everything else."""
    return "time: point" if decl.state else "time: mean"


#: The layout of hydro's results files: the date it last changed (variables, their dimensions, units or meaning,
#: the global attributes a run writes), written as the global attribute ``results_format``; docs/results.md
#: ("Files of older layouts") says what each change means for a file written before it, and
#: tests/test_results_format.py holds a fingerprint of the layout that fails until this date moves with it.
RESULTS_FORMAT = "2026-12-06b"  # (the day's second change: a letter after the date)

_DECLARED = [
    # hydraulics
    Variable("discharge", ("time", "reach"), "m3 s-1", "discharge at the reach outlet (daily mean)", _DISCHARGE),
    Variable("reach_inflow", ("time", "reach"), "m3 s-1", "discharge at the reach inlet (daily mean)", _INFLOW),
    Variable("section_discharge", ("time", "section"), "m3 s-1", "discharge at the monitoring section (daily mean)",
             _DISCHARGE),
    Variable("reach_withdrawal", ("time", "reach"), "m3 s-1", "water taken out of the reach (diversions, intakes; daily mean)"),
    Variable("reach_point_inflow", ("time", "reach"), "m3 s-1",
             "effluent water of the point sources joining the reach (part of its lateral inflow; daily mean)"),
    Variable("reach_routing_storage", ("time", "reach"), "m3",
             "water in the reach at the end of the day (Muskingum-Cunge routing)", state=True),
    Variable("gauge_discharge", ("time", "gauge"), "m3 s-1", "simulated discharge at the gauge (daily mean)", _DISCHARGE),
    Variable("gauge_observed_discharge", ("time", "gauge"), "m3 s-1",
             "observed discharge at the gauge (daily mean; NaN: no record)", _DISCHARGE),
    Variable("reservoir_storage", ("time", "reservoir"), "m3", "reservoir storage at the end of the day", state=True),
    # the level on the datum of the basin file's level-area-storage curve (CF: "an arbitrary reference datum")
    Variable("reservoir_level", ("time", "reservoir"), "m", "reservoir water level at the start of the day",
             "water_surface_height_above_reference_datum"),
    Variable("reservoir_area", ("time", "reservoir"), "m2", "reservoir surface area at the start of the day"),
    Variable("reservoir_inflow", ("time", "reservoir"), "m3 s-1", "reservoir inflow (daily mean)"),
    Variable("reservoir_surface_runoff", ("time", "reservoir"), "m3 s-1",
             "runoff the land around the reservoir made on its water surface, taken off its inflow (daily mean)"),
    Variable("reservoir_release", ("time", "reservoir"), "m3 s-1", "reservoir release through outlets (daily mean)"),
    Variable("reservoir_spill", ("time", "reservoir"), "m3 s-1", "reservoir spill above the day's storage cap: full supply, or the flood limit in a flood season (daily mean)"),
    Variable("reservoir_evaporation", ("time", "reservoir"), "m3 d-1", "reservoir evaporation minus rain on the surface"),
    # transfers and operations (hydro.transfers): transferred water kept apart from natural water
    Variable("reservoir_transfer_inflow", ("time", "reservoir"), "m3 s-1",
             "water transferred into the reservoir from outside the basin (daily mean; part of reservoir_inflow)"),
    Variable("reservoir_natural_inflow", ("time", "reservoir"), "m3 s-1",
             "reservoir inflow less the water transferred straight into it from outside the basin (daily mean)"),
    Variable("reservoir_transfer_tn_load", ("time", "reservoir"), "kg d-1",
             "total nitrogen (as N) brought into the reservoir by water transferred from outside the basin"),
    Variable("reservoir_abstraction", ("time", "reservoir"), "m3 s-1",
             "water abstracted from an outlet reservoir by a transfer series (daily mean; part of reservoir_release)"),
    Variable("reservoir_transfer_share", ("time", "reservoir"), "1",
             "share of the reservoir's water that was transferred from outside the basin (conservative tracer)"),
    Variable("reach_transfer_inflow", ("time", "reach"), "m3 s-1",
             "water transferred into the reach from outside the basin (daily mean; spread along the reach)"),
    Variable("reach_transfer_tn_load", ("time", "reach"), "kg d-1",
             "total nitrogen (as N) brought into the reach by water transferred from outside the basin"),
    Variable("section_transfer_discharge", ("time", "section"), "m3 s-1",
             "water transferred from outside the basin through the section: net flux (advective and dispersive) of its "
             "conservative tracer; a day's value can be slightly below 0 or above section_discharge where dispersion "
             "carries it across the section"),
    Variable("transport_substeps", ("time",), "1", "transport sub-steps taken in the day"),
    # subbasins (watershed basins)
    Variable("subbasin_runoff", ("time", "subbasin"), "mm d-1", "runoff generated in the subbasin"),
    Variable("subbasin_quickflow", ("time", "subbasin"), "mm d-1", "quick (direct) flow generated in the subbasin"),
    Variable("subbasin_air_temperature", ("time", "subbasin"), "degC",
             "daily mean air temperature of the subbasin (the station's moved by the lapse rate to its elevation)"),
    Variable("subbasin_pet", ("time", "subbasin"), "mm d-1", "potential evapotranspiration of the subbasin (Oudin)"),
    Variable("subbasin_snow_water_equivalent", ("time", "subbasin"), "mm",
             "snow water equivalent on the subbasin at the end of the day (CemaNeige, area mean of its bands)", state=True),
    Variable("subbasin_snowfall", ("time", "subbasin"), "mm d-1",
             "snowfall (solid precipitation) on the subbasin (CemaNeige, area mean of its bands)"),
    Variable("subbasin_snowmelt", ("time", "subbasin"), "mm d-1",
             "snow melt on the subbasin (CemaNeige, area mean of its bands)"),
    Variable("subbasin_precipitation", ("time", "subbasin"), "mm d-1", "precipitation over the subbasin",
             "lwe_precipitation_rate"),
    Variable("subbasin_aet", ("time", "subbasin"), "mm d-1", "actual evapotranspiration of the subbasin"),
    Variable("subbasin_exchange", ("time", "subbasin"), "mm d-1",
             "water the runoff model exchanges with outside the subbasin, gain positive (GR4J's x2 term)"),
    Variable("subbasin_model_runoff", ("time", "subbasin"), "mm d-1",
             "runoff the runoff model made, before a flow-driven run matched it to the gauges"),
    Variable("subbasin_water_storage", ("time", "subbasin"), "mm",
             "water held by the runoff model's stores (soil, routing, unit hydrographs, snow) at the end of the day", state=True),
    Variable("subbasin_tn_source_input", ("time", "subbasin", "source"), "kg d-1",
             "total nitrogen (as N) delivered by the subbasin to the river network, by source"),
    Variable("subbasin_tn_gross_input", ("budget_year", "subbasin", "input"), "kg",
             "gross nitrogen input to the subbasin by category, before losses, in the whole calendar year "
             "(inventory; also for a year the run covers in part)"),
    Variable("subbasin_tn_land_budget", ("budget_year", "subbasin", "land_term"), "kg",
             "nitrogen budget of the subbasin's land from the gross inventory to the rivers, by term, in the "
             "calendar year (inventory terms for the whole year, the path to the rivers over the run's days)"),
    Variable("subbasin_tn_landscape_retention", ("budget_year", "subbasin"), "kg",
             "total nitrogen (as N) removed by riparian buffers and wetlands in the subbasin (GEP water purification)"),
    # scenarios
    Variable("measure_capital_cost", ("budget_year", "measure", "subbasin"), "yuan",
             "capital cost of the measure in the subbasin in the year (spent or annualised, see cost_method)"),
    Variable("measure_operating_cost", ("budget_year", "measure", "subbasin"), "yuan",
             "operating cost of the measure in the subbasin in the year"),
    Variable("ensemble_section_tn_concentration", ("member", "time", "section"), "mg L-1",
             "total nitrogen (as N) at the monitoring section (weather ensemble member)"),
    Variable("ensemble_section_discharge", ("member", "time", "section"), "m3 s-1",
             "discharge at the monitoring section (weather ensemble member)", _DISCHARGE),
    Variable("ensemble_reservoir_tn_concentration", ("member", "time", "reservoir"), "mg L-1",
             "total nitrogen (as N) in the reservoir at the end of the day (weather ensemble member)"),
    Variable("ensemble_n_kept_out", ("member", "reservoir"), "kg",
             "total nitrogen (as N) kept out of the reservoir over the run against the baseline on the same "
             "weather (weather ensemble member)"),
    Variable("ensemble_n_kept_out_in_storage", ("member", "reservoir"), "kg",
             "part of the nitrogen kept out of the reservoir held upstream at the end of the run beyond "
             "the baseline's (weather ensemble member)"),
    Variable("ensemble_n_kept_out_on_land", ("member", "reservoir"), "kg",
             "nitrogen kept off the rivers upstream of the reservoir still in the land's wash-off and "
             "groundwater stores at the end of the run, against the baseline (weather ensemble member)"),
    Variable("groundwater_n_storage", ("time", "subbasin"), "kg",
             "nitrogen in the subbasin's groundwater store at the end of the day", state=True),
    Variable("washoff_n_storage", ("time", "subbasin"), "kg",
             "nitrogen built up on the subbasin's land surface and not yet washed off or lost at the end of "
             "the day (the wash-off store; 0 where the subbasin has none)", state=True),
    # the land stores' flows, so that their budgets close from the file (whole-basin N budget review, 2026-12-06)
    Variable("groundwater_n_input", ("time", "subbasin"), "kg d-1",
             "nitrogen leached into the subbasin's groundwater store"),
    Variable("groundwater_n_release", ("time", "subbasin"), "kg d-1",
             "nitrogen the subbasin's groundwater store releases to its rivers (source groundwater)"),
    Variable("washoff_n_buildup", ("time", "subbasin"), "kg d-1",
             "nitrogen building up in the subbasin's wash-off store (0 where the subbasin has none)"),
    Variable("washoff_n_loss", ("time", "subbasin"), "kg d-1",
             "nitrogen the subbasin's wash-off store loses to the atmosphere and soil (0 where it loses none)"),
    Variable("tn_source_load", ("time", "section", "source"), "kg d-1",
             "total nitrogen (as N) load through the monitoring section, by source"),
    Variable("reach_tn_source_load", ("time", "reach", "source"), "kg d-1",
             "total nitrogen (as N) load through the reach outlet, by source"),
    Variable("reservoir_tn_source_concentration", ("time", "reservoir", "source"), "mg L-1",
             "total nitrogen (as N) in the reservoir at the end of the day, by source"),
    # constituents by source (TN's are declared above under their historical names)
    Variable("{c}_source_load", ("time", "section", "source"), "kg d-1",
             "{C} load through the monitoring section, by source"),
    Variable("reach_{c}_source_load", ("time", "reach", "source"), "kg d-1",
             "{C} load through the reach outlet, by source"),
    Variable("reservoir_{c}_source_concentration", ("time", "reservoir", "source"), "mg L-1",
             "{C} in the reservoir at the end of the day, by source"),
    Variable("subbasin_{c}_source_input", ("time", "subbasin", "source"), "kg d-1",
             "{C} delivered by the subbasin to the river network, by source"),
    Variable("subbasin_{c}_landscape_retention", ("budget_year", "subbasin"), "kg",
             "{C} removed by riparian buffers and wetlands in the subbasin (GEP water purification; estimate: "
             "total nitrogen's times the species' share of the quick flow's nitrogen)"),
    # constituents
    Variable("{c}_concentration", ("time", "reach"), "mg L-1", "{C} at the reach outlet (flow-weighted daily mean)"),
    Variable("{c}_load", ("time", "reach"), "kg d-1", "{C} load through the reach outlet (advective and dispersive)",
             _TRANSPORT),
    Variable("section_{c}_concentration", ("time", "section"), "mg L-1", "{C} at the monitoring section (flow-weighted daily mean)"),
    Variable("section_{c}_load", ("time", "section"), "kg d-1",
             "{C} load through the monitoring section (advective and dispersive)", _TRANSPORT),
    Variable("reservoir_{c}_concentration", ("time", "reservoir"), "mg L-1", "{C} in the reservoir at the end of the day"),
    Variable("reservoir_{c}_outflow_load", ("time", "reservoir"), "kg d-1", "{C} load leaving the reservoir"),
    Variable("{c}_budget_reach", ("budget_year", "reach", "budget_term"), "kg", "{C} mass budget of each reach by year"),
    Variable("{c}_budget_reservoir", ("budget_year", "reservoir", "budget_term"), "kg", "{C} mass budget of each reservoir by year"),
]

#: Mass-budget terms accumulated by the transport solver, in its array order.
FLUX_TERMS = ("inflow", "lateral_load", "point_load", "outflow", "removal", "withdrawal",
              "dispersive_exchange")
#: Terms along the ``budget_term`` dimension of the output; the balance is
#: storage_end - storage_start = inflow + lateral_load + point_load
#: + dispersive_exchange - outflow - removal - withdrawal.
BUDGET_TERMS = FLUX_TERMS + ("storage_start", "storage_end")

_BY_NAME = {v.name: v for v in _DECLARED}

#: Group names that ``variables`` (``hydro run --variables``, ``[output] variables``) takes
#: beside variable names: ``all``, every variable the run produces; ``default``, what a file
#: holds when no ``variables`` are given (every variable but ``species_sources``);
#: ``species_sources``, the apportionment by source of the species without GB 3838-2002
#: class limits (:func:`species_sources`), written only when asked for.
VARIABLE_GROUPS = ("all", "default", "species_sources")
#: The per-constituent variables by source (``{c}``: a constituent's or species' short name).
SOURCE_TEMPLATES = ("{c}_source_load", "reach_{c}_source_load", "reservoir_{c}_source_concentration",
                    "subbasin_{c}_source_input")


def species_sources(species: str) -> set[str]:
    """The variables of the ``species_sources`` group: the by-source variables of every species
    that GB 3838-2002 does not class (:data:`hydro.standards.PARAMETERS`).

    Parameters
    ----------
    species : str
        A results file's ``species`` attribute, ``tn=orgn,nh3n,no3n;tp=dp,pp``.

    Returns
    -------
    set of str
        On Miyun those of organic and nitrate nitrogen, dissolved and particulate phosphorus
        (half of its file): intermediates of TN and TP, whose own apportionment is written, as
        NH3-N's (a classed species) and CODMn's are.
    """
    from hydro.run_attributes import id_values
    from hydro.standards import PARAMETERS

    names = {p.strip() for parts in id_values(species).values() for p in parts.split(",")}
    return {t.format(c=p) for p in names - set(PARAMETERS) if p for t in SOURCE_TEMPLATES}


def variable(name: str, constituents: dict[str, str] | None = None) -> Variable:
    """The declaration of ``name``; per-constituent names are resolved with ``constituents``.

    Parameters
    ----------
    name : str
        A concrete variable name, e.g. ``section_tn_load``.
    constituents : dict, optional
        Short name -> long name of the run's constituents.
    """
    if name in _BY_NAME:
        return _BY_NAME[name]
    found = _resolved(tuple((constituents or {}).items())).get(name)
    if found is None:
        raise HydroError(f"'{name}' is not a declared output variable")
    return found


@lru_cache(maxsize=64)
def _resolved(constituents: tuple[tuple[str, str], ...]) -> dict[str, Variable]:
    """Every per-constituent variable of ``constituents`` (short, long name pairs) by name, the
    first constituent and template that give a name winning: resolved once per set of
    constituents, not per lookup (a Miyun file's writing looks up 700 names)."""
    out: dict[str, Variable] = {}
    for short, long in constituents:
        for v in _DECLARED:
            if "{c}" in v.name:
                out.setdefault(v.name.format(c=short), v.for_constituent(short, long))
    return out


def variable_names(constituents: dict[str, str] | None = None) -> list[str]:
    """Every name :func:`variable` accepts for ``constituents`` (templates resolved, the
    templates themselves left out), sorted: what a misspelt name is matched against."""
    resolved = _resolved(tuple((constituents or {}).items()))
    return sorted({n for n in _BY_NAME if "{c}" not in n} | set(resolved))


def declared() -> list[Variable]:
    """All declarations (templates included)."""
    return list(_DECLARED)
