"""Unit prices of the GEP water accounts, by year, with their sources.

Every price is a step schedule ``((from_year, value), ...)``: a value holds from
its year until the next step.  Each constant names where it comes from; what
could not be read in a primary text is marked *assumption* (docs/gep.md,
"Sources").

Water purification is priced per **pollution equivalent** (污染当量), the unit of
China's pollutant discharge fee (to 2017) and of the Environmental Protection Tax
(from 2018-01-01).  A tonne of pollutant ``p`` is ``1000 / kg_per_equivalent[p]``
equivalents.  :class:`GepPrices` (re-exported by :mod:`hydro.gep`) holds a run's prices,
targets and equivalents per pollutant (TN, NH3-N, TP, CODMn).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from hydro.errors import HydroError, suggest
from hydro.standards import class_limits
from hydro.tomlio import Table, load_toml

#: kg of pollutant per pollution equivalent, second class of water pollutants,
#: "Taxable pollutants and equivalent values" (应税污染物和当量值表) annexed to the
#: Environmental Protection Tax Law of the PRC (2016, in force 2018-01-01; the same
#: values as the 2003 discharge-fee table).  Read in a copy of the table
#: (renrendoc.com/p-74654649.html): COD(Cr) 1, NH3-N 0.8, TP 0.25 kg.
KG_PER_EQUIVALENT = {"cod": 1.0, "nh3n": 0.8, "tp": 0.25}

#: The pollutants whose purification is valued, in the order of the rows: the model's
#: parameter ids (hydro.standards).
POLLUTANTS = ("tn", "nh3n", "tp", "codmn")

#: kg of CODMn (the permanganate index, which the model simulates) per kg of COD(Cr) (the table's COD) in
#: surface water: the region's ``codmn_per_codcr`` (basins/region/quality.toml, SOURCES R7: COD/CODMn 3.91 in
#: surface water, with a Beiyun River study; ESTIMATE), by which the sources turn COD(Cr) into CODMn.  One
#: equivalent of COD, 1 kg COD(Cr), is thus 0.26 kg CODMn (GEP review and units review, 2026-12-06: CODMn
#: was priced as COD(Cr) unconverted, undervaluing COD's purification about 3.8 times).
CODMN_PER_CODCR = 0.26

#: kg of each pollutant per pollution equivalent: the table's, TN as NH3-N, CODMn as COD(Cr) converted.
POLLUTANT_KG_PER_EQUIVALENT = {"tn": KG_PER_EQUIVALENT["nh3n"], "nh3n": KG_PER_EQUIVALENT["nh3n"],
                               "tp": KG_PER_EQUIVALENT["tp"], "codmn": KG_PER_EQUIVALENT["cod"] * CODMN_PER_CODCR}

#: Total nitrogen is **not** in that table.  Assumption: TN is priced as NH3-N
#: (0.8 kg per equivalent), the convention behind Ouyang et al. (2017)'s 875 yuan/t
#: for N (= 0.7 yuan per equivalent / 0.8 kg).
TN_KG_PER_EQUIVALENT = 0.8

#: Beijing, yuan per pollution equivalent of a water pollutant, by year.
BEIJING_YUAN_PER_EQUIVALENT = (
    # national discharge fee for water pollutants, 0.7 yuan per equivalent (2003 fee
    # rules); the basis of Ouyang et al. (2017)'s 875 yuan/t
    (0, 0.7),
    # Beijing's raised discharge fee, NH3-N 12 yuan/kg (COD 10 yuan/kg) = 9.6 yuan per
    # NH3-N equivalent; the rates from a repost of the provincial fee list
    # (ruiyuancashmere.com/news/show.php?itemid=18019); that they took effect on
    # 2014-01-01 is an assumption (the repost gives no date)
    (2014, 12.0 * 0.8),
    # Environmental Protection Tax, Beijing: 14 yuan per equivalent of a water
    # pollutant from 2018-01-01 (Standing Committee of the Beijing People's Congress,
    # decision of 2017-12-01; text read at wiki.xin)
    (2018, 14.0),
)

#: Beijing, yuan per pollution equivalent of COD (CODMn stands in for it), where it differs from
#: the schedule above: the 2014 fee was set per kg and pollutant, COD 10 yuan/kg = 10 yuan per
#: equivalent (1 kg), against NH3-N's 12 yuan/kg = 9.6 (same repost).
BEIJING_COD_YUAN_PER_EQUIVALENT = ((0, 0.7), (2014, 10.0), (2018, 14.0))

#: Beijing, yuan per pollution equivalent of TP, an "other" water pollutant: the 2014 raise listed only SO2,
#: NOx, COD and NH3-N (the same repost), Beijing raised the five heavy metals apart and only to 1.4 yuan from
#: 2016-01-01 (Beijing Morning Post, chinanews.com.cn/ny/2015/10-21/7580324.shtml), and Tianjin's 2014
#: schedule kept other pollutants at 0.7 (m.docduoduo.com/p-3000556.html): TP at 0.7 to 2017 is an
#: assumption on that evidence (GEP review, 2026-12-06; NH3-N's 9.6 until then, also an assumption), the
#: tax's 14 from 2018 (every water pollutant).
BEIJING_TP_YUAN_PER_EQUIVALENT = ((0, 0.7), (2018, 14.0))

#: Default schedules of single pollutants (yuan per equivalent by year) that differ from the common one.
POLLUTANT_YUAN_PER_EQUIVALENT = (("codmn", BEIJING_COD_YUAN_PER_EQUIVALENT), ("tp", BEIJING_TP_YUAN_PER_EQUIVALENT))

#: Hebei's discharge fee for COD and NH3-N, yuan per equivalent (same repost): 2.8 from
#: 2015-01-01, 5.6 from 2017-01-01.  Not a default (the shipped schedule is Beijing's);
#: for a prices TOML.  The repost's further step (7 from 2020-01-01) falls after the fee was
#: replaced by the tax and is left out; Hebei's tax rate from 2018 was not found offline.
HEBEI_YUAN_PER_EQUIVALENT = ((0, 0.7), (2015, 2.8), (2017, 5.6))

#: Water conservation, yuan per m3: reservoir construction cost, Ouyang Zhiyun et al.
#: (2017), Acta Ecologica Sinica 37(19): 6302 (DOMAIN.md, "GEP unit prices"); its
#: price year is not stated there (assumption: held constant, not re-indexed).
CONSERVATION_YUAN_PER_M3 = ((0, 7.06),)

#: Target TN concentrations (mg/L) at which a water body's purification capacity is
#: counted (gep.md, "capacity"): rivers GB 3838-2002 Class III (1.0 mg/L); reservoirs
#: Class II (0.5 mg/L for lakes and reservoirs), the class GB 3838 assigns to first-grade
#: protection zones of drinking-water sources, which the Miyun and Guanting pools are
#: (assumption for the smaller upstream reservoirs).  Values: DOMAIN.md, GB 3838 table.
#: GB 3838 classes TN only in lakes and reservoirs; rivers take the lake limits as a
#: reference (hydro.standards), Class III.
TARGET_TN_MG_PER_L = class_limits("tn", "lake")[2]
TARGET_TN_RESERVOIR_MG_PER_L = class_limits("tn", "lake")[1]


#: The water bodies GEP targets, by the words that name them: ``reach`` (and ``river``, the word of the GEP
#: table's ``removed_river_kg`` and of docs/gep.md's "rivers Class III") and ``reservoir``.
KINDS = {"reach": "reach", "river": "reach", "reservoir": "reservoir"}


def water_body(kind: str) -> str:
    """``"reach"`` or ``"reservoir"`` for ``kind`` (:data:`KINDS`); a :class:`HydroError` (a ValueError) naming
    the words accepted for any other: "lake" or "Reach" gave the reservoir's Class II target without a word."""
    if kind not in KINDS:
        raise HydroError(f"kind: expected 'reach' (or 'river': Class III) or 'reservoir' (Class II), got {kind!r}"
                         + suggest(str(kind), KINDS))
    return KINDS[kind]


def target_mg_per_l(pollutant: str, kind: str) -> float:
    """GB 3838-2002 target of ``pollutant`` in a ``reach`` (Class III) or ``reservoir`` (Class II), mg/L.

    Limits from :mod:`hydro.standards`; TN in a river takes the lake limits (GB 3838 does not class
    rivers on TN).  ``kind`` may also be ``river`` (a reach, :data:`KINDS`); any other is refused.
    """
    if water_body(kind) == "reach":
        return class_limits(pollutant, "lake" if pollutant == "tn" else "river")[2]
    return class_limits(pollutant, "lake")[1]


SOURCES = {
    "purification": "yuan per pollution equivalent: national discharge fee 0.7 (to 2013); Beijing fee "
                    "NH3-N 12 yuan/kg = 9.6 and COD 10 yuan/kg = 10 (2014-2017, start year assumed; TP "
                    "0.7, an 'other' pollutant the raise did not list, assumed); Beijing environmental "
                    "protection tax 14 (from 2018-01-01); TN priced as NH3-N, 0.8 kg per equivalent "
                    "(assumption: TN is not in the tax law's table; it is valued only when the results lack NH3-N); "
                    "NH3-N 0.8, TP 0.25, COD 1 kg of COD(Cr) per equivalent (0.26 kg CODMn: the region's "
                    "codmn_per_codcr, an estimate)",
    "conservation": "reservoir construction cost 7.06 yuan/m3, Ouyang et al. 2017, Acta Ecologica Sinica "
                    "37(19):6302 (price year not stated)",
}


def step_value(steps, year: int, where: str = "the prices") -> float:
    """The value of a step schedule ``((from_year, value), ...)`` in ``year``; a year before its
    first step is an error naming ``where`` (the prices file)."""
    out = None
    for y0, v in sorted(steps):
        if year >= y0:
            out = v
    if out is None:
        first = min(y for y, _ in steps)
        raise HydroError(f"{where}: no price for {year}: its by_year schedule starts in {first}; give a price "
                         f"from the first year valued on (e.g. \"{year}\" = ...)")
    return float(out)


def yuan_per_t(yuan_per_equivalent: float, kg_per_equivalent: float) -> float:
    """Yuan per tonne of a pollutant from a price per equivalent."""
    return yuan_per_equivalent * 1000.0 / kg_per_equivalent


#: Forms of the water-conservation quantity (module docstring).
FORMS = ("released", "balance")


#: Bounds of a price of water conserved, yuan m-3: the shadow prices used are reservoir construction costs of
#: 5-10 (the default 7.06) and Beijing's highest water tariff is 160, so 1,000 leaves room; a price per 10^4 m3
#: given per m3 (70,600) ran, GEP 10^4 times too high.
YUAN_PER_M3: dict = {"minimum": 0.0, "maximum": 1000.0, "why": "a price per 10^4 m3 (wan m3) given per m3?"}
#: Bounds of a price per pollution equivalent, yuan: the Environmental Protection Tax Law sets 1.4-14 for water
#: pollutants, so 100 leaves room; a price per tonne given per equivalent (17,500) ran, 25,000 times too high.
YUAN_PER_EQUIVALENT: dict = {"minimum": 0.0, "maximum": 100.0,
                             "why": "the statutory rate is 1.4-14 yuan per equivalent; a price per tonne?"}
#: Bounds of a TN target the purification is counted down to, mg L-1: GB 3838's Class V is 2.0, so 20 leaves
#: room; ug/L given as mg/L (1,000) ran, three times the nitrogen purified.
TARGET_MG_L: dict = {"positive": True, "maximum": 20.0, "why": "GB 3838's Class V TN is 2.0 mg/L; ug/L given?"}


def _steps(table: Table, key: str, scale: float = 1.0, bound: dict | None = None):
    """A ``{"YEAR" = value}`` table as a step schedule (``bound``: the values' bounds, default >= 0)."""
    out = []
    for k in list(table.data):
        try:
            y = int(k)
        except ValueError:
            raise table.error(k, "expected a year (e.g. \"2018\" = 14.0)") from None
        out.append((y, table.float(k, **(bound or {"minimum": 0.0})) * scale))
    if not out:
        raise table.error(key, "empty: give at least one \"YEAR\" = value")
    return tuple(sorted(out))


@dataclass(frozen=True)
class GepPrices:
    """Unit prices of the GEP accounts, as step schedules by year.

    Attributes
    ----------
    conservation_yuan_per_m3_by_year : tuple of (year, yuan/m3)
        Water conservation (reservoir construction cost).
    purification_yuan_per_equivalent_by_year : tuple of (year, yuan)
        Water purification, yuan per pollution equivalent.
    pollutant_yuan_per_equivalent : tuple of (pollutant, schedule)
        Schedules of single pollutants that differ from it (default: Beijing's COD fee of
        2014-2017; a prices file that sets a purification price sets it for every pollutant).
    tn_kg_per_equivalent : float
        kg of TN per pollution equivalent.
    codmn_per_codcr : float
        kg of CODMn per kg of COD(Cr) (:data:`CODMN_PER_CODCR`): CODMn's kg per equivalent.
    target_tn_mg_per_l, target_tn_reservoir_mg_per_l : float
        Concentrations at which a river's and a reservoir's purification capacity is counted.
    conservation_form : {"released", "balance"}
        Water conservation as slow runoff (default) or as P − R − ET (module docstring).
    source : str
    where : str
        The prices file, named in errors (default "the prices").
    """

    conservation_yuan_per_m3_by_year: tuple = CONSERVATION_YUAN_PER_M3
    purification_yuan_per_equivalent_by_year: tuple = BEIJING_YUAN_PER_EQUIVALENT
    pollutant_yuan_per_equivalent: tuple = POLLUTANT_YUAN_PER_EQUIVALENT
    tn_kg_per_equivalent: float = TN_KG_PER_EQUIVALENT
    codmn_per_codcr: float = CODMN_PER_CODCR
    target_tn_mg_per_l: float = TARGET_TN_MG_PER_L
    target_tn_reservoir_mg_per_l: float = TARGET_TN_RESERVOIR_MG_PER_L
    conservation_form: str = "released"
    source: str = field(default="; ".join(SOURCES.values()))
    where: str = field(default="the prices", compare=False)

    def conservation_yuan_per_m3(self, year: int) -> float:
        """Water conservation price in ``year``, yuan per m3."""
        return step_value(self.conservation_yuan_per_m3_by_year, year, self.where)

    def purification_yuan_per_t_n(self, year: int) -> float:
        """Water purification price in ``year``, yuan per tonne of N."""
        return yuan_per_t(step_value(self.purification_yuan_per_equivalent_by_year, year, self.where),
                             self.tn_kg_per_equivalent)

    def kg_per_equivalent(self, pollutant: str) -> float:
        """kg of ``pollutant`` per pollution equivalent (TN: ``tn_kg_per_equivalent``; CODMn: COD's 1 kg of COD(Cr)
        times ``codmn_per_codcr``)."""
        if pollutant == "codmn":
            return KG_PER_EQUIVALENT["cod"] * self.codmn_per_codcr
        return self.tn_kg_per_equivalent if pollutant == "tn" else POLLUTANT_KG_PER_EQUIVALENT[pollutant]

    def target_mg_per_l(self, pollutant: str, kind: str) -> float:
        """Target concentration of a ``reach`` (or ``river``) or ``reservoir``, mg/L (TN: the prices file's; others
        GB 3838, :func:`target_mg_per_l`); any other ``kind`` is refused (:func:`water_body`)."""
        if pollutant == "tn":
            return self.target_tn_mg_per_l if water_body(kind) == "reach" else self.target_tn_reservoir_mg_per_l
        return target_mg_per_l(pollutant, kind)

    def purification_yuan_per_t(self, pollutant: str, year: int) -> float:
        """Water purification price of ``pollutant`` in ``year``, yuan per tonne."""
        steps = dict(self.pollutant_yuan_per_equivalent).get(pollutant, self.purification_yuan_per_equivalent_by_year)
        return yuan_per_t(step_value(steps, year, self.where), self.kg_per_equivalent(pollutant))

    def at_year(self, year: int) -> GepPrices:
        """These prices with every schedule held at ``year``'s: constant prices, so that a series of
        years shows what the ecosystems did rather than the steps of the fee schedule (Beijing's
        purification price rose from 0.7 to 9.6 yuan per equivalent in 2014 and to 14 in 2018)."""
        def fixed(steps):
            return ((0, step_value(steps, year, self.where)),)

        return replace(self, conservation_yuan_per_m3_by_year=fixed(self.conservation_yuan_per_m3_by_year),
                       purification_yuan_per_equivalent_by_year=fixed(self.purification_yuan_per_equivalent_by_year),
                       pollutant_yuan_per_equivalent=tuple((p, fixed(steps))
                                                           for p, steps in self.pollutant_yuan_per_equivalent),
                       source=f"{self.source}; every year at {year}'s prices (constant prices)")

    @classmethod
    def from_toml(cls, path: str | Path) -> GepPrices:
        """Read prices; absent keys keep the cited defaults; negative prices are errors.

        ``[water_conservation]``: ``yuan_per_m3`` (every year) or a ``[water_conservation.by_year]``
        table; ``[water_purification]``: ``yuan_per_equivalent``, ``yuan_per_t_n`` (every year) or
        ``[water_purification.by_year]`` (yuan per equivalent), ``kg_per_equivalent``, ``codmn_per_codcr``,
        ``target_mg_per_l``, ``reservoir_target_mg_per_l``; ``[water_conservation] form`` (``released`` or ``balance``).
        """
        path = Path(path)
        top = Table(load_toml(path, expect="GEP price file"), path)
        wc = top.table("water_conservation", default=None)
        wp = top.table("water_purification", default=None)
        d = cls()
        kg = wp.float("kg_per_equivalent", d.tn_kg_per_equivalent, positive=True)
        cons = d.conservation_yuan_per_m3_by_year
        if wc.has("yuan_per_m3"):
            cons = ((0, wc.float("yuan_per_m3", **YUAN_PER_M3)),)
        if wc.has("by_year"):
            cons = _steps(wc.table("by_year"), "by_year", bound=YUAN_PER_M3)
        form = wc.str("form", d.conservation_form)
        if form not in FORMS:
            raise wc.error("form", f"expected one of {FORMS}, got {form!r}")
        pur = d.purification_yuan_per_equivalent_by_year
        given = [k for k in ("yuan_per_equivalent", "yuan_per_t_n", "by_year") if wp.has(k)]
        if len(given) > 1:
            raise wp.error(given[1], f"give one of yuan_per_equivalent, yuan_per_t_n, by_year (got {given})")
        if wp.has("yuan_per_equivalent"):
            pur = ((0, wp.float("yuan_per_equivalent", **YUAN_PER_EQUIVALENT)),)
        if wp.has("yuan_per_t_n"):  # (a tonne holds 1000 / kg equivalents)
            per_t = {**YUAN_PER_EQUIVALENT, "maximum": YUAN_PER_EQUIVALENT["maximum"] * 1000.0 / kg,
                     "why": "above the statutory rate per equivalent, per tonne of N"}
            pur = ((0, wp.float("yuan_per_t_n", **per_t) * kg / 1000.0),)
        if wp.has("by_year"):
            pur = _steps(wp.table("by_year"), "by_year", bound=YUAN_PER_EQUIVALENT)
        out = cls(conservation_yuan_per_m3_by_year=cons, purification_yuan_per_equivalent_by_year=pur,
                  pollutant_yuan_per_equivalent=() if given else d.pollutant_yuan_per_equivalent,
                  tn_kg_per_equivalent=kg, conservation_form=form,
                  codmn_per_codcr=wp.float("codmn_per_codcr", d.codmn_per_codcr, minimum=0.05, maximum=1.0,
                                           why="kg CODMn per kg COD(Cr), a ratio (0.26 regional), not a "
                                               "percentage nor its inverse COD/CODMn (3.9)"),
                  target_tn_mg_per_l=wp.float("target_mg_per_l", d.target_tn_mg_per_l, **TARGET_MG_L),
                  target_tn_reservoir_mg_per_l=wp.float("reservoir_target_mg_per_l",
                                                        d.target_tn_reservoir_mg_per_l, **TARGET_MG_L),
                  source=top.str("source", d.source), where=str(path))
        for t in (wc, wp):
            t.str("source", "")
            t.finish()
        top.finish()
        return out
