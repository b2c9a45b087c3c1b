"""Unit prices of the GEP water accounts, by year, with their sources.

Every price is a step schedule ``((from_year, value), ...)``: a value holds from
its year until the next step.  Each constant names where it comes from; what
could not be read in a primary text is marked *assumption* (docs/gep.md,
"Sources").

Water purification is priced per **pollution equivalent** (污染当量), the unit of
China's pollutant discharge fee (to 2017) and of the Environmental Protection Tax
(from 2018-01-01).  A tonne of pollutant ``p`` is ``1000 / kg_per_equivalent[p]``
equivalents.
"""

from __future__ import annotations

#: kg of pollutant per pollution equivalent, second class of water pollutants,
#: "Taxable pollutants and equivalent values" (应税污染物和当量值表) annexed to the
#: Environmental Protection Tax Law of the PRC (2016, in force 2018-01-01; the same
#: values as the 2003 discharge-fee table).  Read in a copy of the table
#: (renrendoc.com/p-74654649.html): COD(Cr) 1, NH3-N 0.8, TP 0.25 kg.
KG_PER_EQUIVALENT = {"cod": 1.0, "nh3n": 0.8, "tp": 0.25}

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
TARGET_TN_MG_PER_L = 1.0
TARGET_TN_RESERVOIR_MG_PER_L = 0.5

SOURCES = {
    "purification": "yuan per pollution equivalent: national discharge fee 0.7 (to 2013); Beijing fee "
                    "NH3-N 12 yuan/kg = 9.6 (2014-2017, start year assumed); Beijing environmental "
                    "protection tax 14 (from 2018-01-01); TN priced as NH3-N, 0.8 kg per equivalent "
                    "(assumption: TN is not in the tax law's table)",
    "conservation": "reservoir construction cost 7.06 yuan/m3, Ouyang et al. 2017, Acta Ecologica Sinica "
                    "37(19):6302 (price year not stated)",
}


def step_value(steps, year: int) -> float:
    """The value of a step schedule ``((from_year, value), ...)`` in ``year``."""
    out = None
    for y0, v in sorted(steps):
        if year >= y0:
            out = v
    if out is None:
        raise ValueError(f"no price for {year}: the schedule starts in {min(y for y, _ in steps)}")
    return float(out)


def yuan_per_t(yuan_per_equivalent: float, kg_per_equivalent: float) -> float:
    """Yuan per tonne of a pollutant from a price per equivalent."""
    return yuan_per_equivalent * 1000.0 / kg_per_equivalent
