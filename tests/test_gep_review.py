"""Adversarial review of GEP (2026-12-01): what counts as water abstracted from the rivers.

The water-conservation account subtracts water *abstracted for use* (GEP's water-supply product,
docs/gep.md).  ``reach_withdrawal`` also holds the channel transmission losses of a basin's
``[[withdrawals]]`` (``loss_share``: water a losing river gives to its bed, used by nobody; 25 of
Guanting's 27 withdrawals).  Counting them as abstracted made Guanting's water conservation
negative in 8 of its 18 years (2014: -17.4e6 m3; 106.3e6 m3 "abstracted", of which 43.6e6 m3 by
its two supply withdrawals).
"""

from __future__ import annotations

import numpy as np
import pytest

from hydro import gep_inputs
from hydro.gep import gep
from hydro.withdrawal_requests import WithdrawalRequests
from tests.test_gep import rows_by_sub, tiny

DAYS = 365
SECONDS_PER_DAY = 86400.0


def requests(flows) -> WithdrawalRequests:
    """Requests on reach 0 (the tiny results' only reach): each a flow (m3/s) or inf (a loss)."""
    return WithdrawalRequests(np.zeros(len(flows), dtype=np.int64),
                              np.array([np.full(DAYS, f) for f in flows], dtype=float),
                              np.full(len(flows), 0.9))


def with_withdrawal(taken_m3_s: float):
    res = tiny()
    res.data["reach_withdrawal"] = np.full((DAYS, 1), taken_m3_s)
    return res


def test_a_channel_loss_is_not_abstracted_water(monkeypatch):
    # 0.05 m3/s leaves reach r every day: a 0.01 m3/s supply intake and the channel's loss (0.04)
    monkeypatch.setattr(gep_inputs, "_withdrawal_requests", lambda results, basin: (requests([0.01, np.inf]), ""))
    a = rows_by_sub(gep(with_withdrawal(0.05)))["a"]
    used = 0.01 * SECONDS_PER_DAY * DAYS
    assert a["water_abstracted_m3"] == pytest.approx(used, rel=1e-12)
    # slow runoff 0.2 mm/d over a's 10 km2, less the intake only (before: less 0.5 m3/s, negative)
    assert a["water_conservation_m3"] == pytest.approx(0.2 * DAYS * 10 * 1000 - used, rel=1e-12)
    assert a["note"] == ""


def test_a_reach_with_only_a_channel_loss_abstracts_nothing(monkeypatch):
    monkeypatch.setattr(gep_inputs, "_withdrawal_requests", lambda results, basin: (requests([np.inf]), ""))
    a = rows_by_sub(gep(with_withdrawal(0.05)))["a"]
    assert a["water_abstracted_m3"] == 0.0
    assert a["water_conservation_m3"] == pytest.approx(0.2 * DAYS * 10 * 1000, rel=1e-12)


def test_an_intake_that_gets_less_than_it_asks_counts_what_it_got(monkeypatch):
    # dry days: the 0.01 m3/s intake got 0.005 and the loss nothing (the intake is taken first)
    monkeypatch.setattr(gep_inputs, "_withdrawal_requests", lambda results, basin: (requests([0.01, np.inf]), ""))
    a = rows_by_sub(gep(with_withdrawal(0.005)))["a"]
    assert a["water_abstracted_m3"] == pytest.approx(0.005 * SECONDS_PER_DAY * DAYS, rel=1e-12)


def test_without_the_basin_every_withdrawal_counts_and_the_rows_say_so():
    # the tiny results name no basin: the requests cannot be read
    rows = gep(with_withdrawal(0.05))
    a = rows_by_sub(rows)["a"]
    assert a["water_abstracted_m3"] == pytest.approx(0.05 * SECONDS_PER_DAY * DAYS, rel=1e-12)
    assert "every river withdrawal counted as abstracted" in a["note"] and "--basin" in a["note"]
    assert not rows_by_sub(rows)["b"]["note"]   # b abstracts nothing


def test_guantings_requests_are_told_apart():
    # the shipped basin: two supply withdrawals (flow_m3_s) and 25 channel losses (loss_share)
    from datetime import date, timedelta

    from hydro.basin import Basin
    from hydro.results import Results
    from hydro.variables import BUDGET_TERMS

    b = Basin.load("guanting")
    days = [date(2014, 7, 1) + timedelta(days=i) for i in range(3)]
    reaches = list(b.network.reach_ids)
    res = Results(coords={"time": days, "reach": reaches, "budget_term": list(BUDGET_TERMS)},
                  attrs={"basin": "guanting"})
    res.data["reach_withdrawal"] = np.full((3, len(reaches)), 5.0)   # m3/s, above every request
    used, note = gep_inputs.used_withdrawal(res)
    assert note == ""
    kept = {r for j, r in enumerate(reaches) if used[0, 0, j] > 0}
    assert kept == {"sanggan_yangyuan", "yang_xuanhua"}
    # July: the two irrigation months' flows of basin.toml (1.046 and 1.442 m3/s)
    assert used[0, 0, reaches.index("sanggan_yangyuan")] == pytest.approx(1.046, rel=1e-12)
    assert used[0, 0, reaches.index("yang_xuanhua")] == pytest.approx(1.442, rel=1e-12)


# -- COD's price in 2014-2017 -------------------------------------------------------------------
# Beijing's 2014 discharge fee was per kg and pollutant: COD 10 yuan/kg, NH3-N 12 yuan/kg (the
# source gep_prices cites).  COD was priced at NH3-N's 9.6 yuan per equivalent: 9,600 yuan/t
# instead of 10,000 (COD is 56-70 % of Miyun's purification value in 2014-2016).

def test_cod_takes_beijings_cod_fee_in_2014_to_2017():
    from hydro.gep_prices import GepPrices

    p = GepPrices()
    # per t of COD(Cr), and a t of CODMn is 1 / 0.26 t of COD(Cr) (the region's ratio, since 2026-12-06)
    assert p.purification_yuan_per_t("codmn", 2013) == pytest.approx(700.0 / 0.26, rel=1e-12)
    assert p.purification_yuan_per_t("codmn", 2014) == pytest.approx(10_000.0 / 0.26, rel=1e-12)
    assert p.purification_yuan_per_t("codmn", 2017) == pytest.approx(10_000.0 / 0.26, rel=1e-12)
    assert p.purification_yuan_per_t("codmn", 2018) == pytest.approx(14_000.0 / 0.26, rel=1e-12)
    assert p.purification_yuan_per_t("nh3n", 2015) == pytest.approx(12_000.0, rel=1e-12)   # 12 yuan/kg
    # TP, an "other" pollutant, kept 0.7 per equivalent to 2017 (GEP review, 2026-12-06; 9.6 / 0.25 kg before)
    assert p.purification_yuan_per_t("tp", 2015) == pytest.approx(2_800.0, rel=1e-12)      # 0.7 / 0.25 kg
    assert p.purification_yuan_per_t("tp", 2018) == pytest.approx(56_000.0, rel=1e-12)     # 14 / 0.25 kg


def test_a_prices_file_price_prices_every_pollutant(tmp_path):
    from hydro.gep_prices import GepPrices

    f = tmp_path / "hebei.toml"
    f.write_text('[water_purification.by_year]\n"2000" = 0.7\n"2015" = 2.8\n')
    p = GepPrices.from_toml(f)
    assert p.purification_yuan_per_t("codmn", 2016) == pytest.approx(2_800.0 / 0.26, rel=1e-12)
    f.write_text('[water_conservation]\nyuan_per_m3 = 5.0\n')          # no purification price: defaults
    assert GepPrices.from_toml(f).purification_yuan_per_t("codmn", 2016) == pytest.approx(10_000.0 / 0.26,
                                                                                          rel=1e-12)


# -- --basin of another basin ------------------------------------------------------------------
# `hydro gep guanting.nc --basin miyun` ran (exit 0): the areas came from the file, --basin was
# ignored, and now the withdrawals would have been read from the wrong basin.

def test_a_basin_other_than_the_results_is_refused():
    from hydro.errors import HydroError

    res = tiny()
    res.attrs["basin"] = "guanting"
    with pytest.raises(HydroError, match=r"results of basin 'guanting', but --basin gives 'miyun'.*--basin guanting"):
        gep(res, basin="miyun", where="guanting.nc")


# -- results written with --variables -----------------------------------------------------------
# `hydro run miyun --variables section_tn_load,section_discharge` then `hydro gep`: "GEP needs a
# watershed run ... these results (basin 'miyun') have none" (it is one); with the subbasins but
# not their precipitation: "no variable 'subbasin_precipitation' in these results", without the file.

def test_a_watershed_run_without_its_subbasin_variables_is_named_so():
    from hydro.errors import HydroError

    res = tiny()
    res.coords["subbasin"] = []
    res.data = {k: v for k, v in res.data.items() if not k.startswith("subbasin_")}
    with pytest.raises(HydroError, match=r"^sub.nc: a watershed run written without its subbasin variables.*"
                                         r"--variables"):
        gep(res, where="sub.nc")


def test_a_missing_water_balance_variable_names_the_file():
    from hydro.errors import HydroError

    res = tiny()
    del res.data["subbasin_aet"]
    with pytest.raises(HydroError, match=r"^sub.nc: GEP needs the subbasin water balance.*lack subbasin_aet"):
        gep(res, where="sub.nc")
