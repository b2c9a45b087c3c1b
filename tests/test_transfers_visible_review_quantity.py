"""Review of transfers (issue 13): a ``[[quantity]]`` rule may count a section's natural water only
(``water = "natural"``: the flow less the water transferred from outside the basin that the results'
tracer finds there); the default, ``"all"``, counts the whole flow as before."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from hydro.basin import ROOT, Basin
from hydro.compensation import Agreement, evaluate
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries, read_results
from hydro.simulation import run

EXAMPLE = ROOT / "configs" / "examples" / "watershed"
PERIOD = ["run.start=2001-01-01", "run.end=2001-12-31", 'run.routing="accumulate"']
HEAD = 'name = "t"\nsource = "test case"\nperiod = [2001, 2001]\npayer = "up"\npayee = "down"\n'
JUNE = 3.5 * 86400 * 20  # 20 days at 3.5 m3/s into the reach: 6.048e6 m3


def agreement(tmp_path, body) -> Agreement:
    path = tmp_path / "a.toml"
    path.write_text(HEAD + body, encoding="utf-8")
    return Agreement.from_toml(path)


def quantity(section, water=None):
    return (f'[[quantity]]\nsection = "{section}"\nbaseline_m3 = 1.0\nreward_per_m3_above_yuan = 1.0\n'
            + (f'water = "{water}"\n' if water else ""))


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """The example basin in 2001 with Yellow-River-like water let into its top reach in June."""
    tmp = tmp_path_factory.mktemp("q")
    folder = tmp / "ws"
    shutil.copytree(EXAMPLE, folder)
    (folder / "t.csv").write_text("date,flow_m3_s\n" + "".join(f"2001-06-{d:02d},3.5\n" for d in range(1, 21)))
    with open(folder / "basin.toml", "a") as f:
        f.write('\n[[transfers]]\nid = "yr"\nkind = "inflow"\nreach = "west_upper"\ncsv = "t.csv"\n'
                'origin = "yellow-river"\ntn_mg_per_l = 3.0\n')
    res = run(Basin.load(folder, overrides=PERIOD))
    path = tmp / "r.nc"
    res.to_netcdf(path)
    return res, path


def test_natural_water_leaves_out_the_transferred_water_at_a_section(tmp_path, results):
    """Before, a quantity rule at 'border' (below the transfer) paid for the 6.048e6 m3 let in. With
    ``water = "natural"`` it pays for the section's volume less the tracer's: all of June's water has
    passed 'border' by December (no reservoir or withdrawal between), so the transferred volume is the
    6.048e6 m3 let in (a conservative tracer: to round-off, 1e-9)."""
    res, path = results
    series = read_results(path)
    k = res.coords["section"].index("border")
    moved = res["section_transfer_discharge"][:, k].sum() * 86400
    assert moved == pytest.approx(JUNE, rel=1e-9)  # an independent check of the tracer: what went in
    [whole] = evaluate(agreement(tmp_path, quantity("border")), series)
    [same] = evaluate(agreement(tmp_path, quantity("border", "all")), series)
    [natural] = evaluate(agreement(tmp_path, quantity("border", "natural")), series)
    assert same.amount_yuan == whole.amount_yuan  # the default is today's behaviour
    assert whole.amount_yuan == pytest.approx(res["section_discharge"][:, k].sum() * 86400 - 1.0, rel=1e-9)
    assert whole.amount_yuan - natural.amount_yuan == pytest.approx(moved, rel=1e-9)
    assert "6.04" in natural.note and "transferred from outside left out" in natural.note
    # a tributary's mouth the transferred water reaches only by dispersion at the junction, back and
    # forth (days of +-0.01 m3/s, netting to 0 over months): within 1e-6 of the same either way
    [east] = evaluate(agreement(tmp_path, quantity("east_mouth")), series)
    [east_natural] = evaluate(agreement(tmp_path, quantity("east_mouth", "natural")), series)
    assert east_natural.amount_yuan == pytest.approx(east.amount_yuan, rel=1e-6)


def test_natural_water_at_a_reservoir_below_a_reach_transfer_is_refused(tmp_path, results):
    """The lake's counted inflow leaves out only water pumped straight in; water let into a reach above
    it arrives through its rivers, and the results hold no tracer of a reservoir's inflow."""
    _, path = results
    with pytest.raises(HydroError, match=r"a\.toml: key 'quantity\[0\]\.water'.*west_upper upstream"):
        evaluate(agreement(tmp_path, quantity("lake", "natural")), read_results(path))
    [lake] = evaluate(agreement(tmp_path, quantity("lake")), read_results(path))  # "all" still works
    assert np.isfinite(lake.amount_yuan)


def test_natural_water_needs_results_that_can_tell_it(tmp_path):
    """A monitoring series holds the whole flow: a clear error naming the file, the key and the remedy."""
    series = SectionSeries(2001, {"a": {"flow": np.full(12, 1e6)}}, source="m.csv")
    with pytest.raises(HydroError, match=r"a\.toml: key 'quantity\[0\]\.water': \"natural\".*m\.csv.*water = \"all\""):
        evaluate(agreement(tmp_path, quantity("a", "natural")), series)
    assert evaluate(agreement(tmp_path, quantity("a")), series)[0].amount_yuan == pytest.approx(12e6 - 1.0)


@pytest.mark.parametrize("value", ['"Natural"', '"hebei"', "true"])
def test_a_bad_water_value_says_what_is_expected(tmp_path, value):
    with pytest.raises(HydroError, match=r"a\.toml: key 'quantity\[0\]\.water': expected") as err:
        agreement(tmp_path, quantity("a") + f"water = {value}\n")
    assert "natural" in str(err.value)


def test_a_flow_target_may_count_natural_water_only(tmp_path, results):
    """Bahaoqiao's shipped flow target (>= 1e8 m3 a year) counts all the water, Yellow River water
    too; ``water = "natural"`` on a flow target judges the volume less the transferred water. A
    minimum between the two volumes: met on all the water, missed on the natural water."""
    res, path = results
    k = res.coords["section"].index("border")
    total = res["section_discharge"][:, k].sum() * 86400
    limit = total - JUNE / 2
    body = ('[[target]]\nsection = "border"\nparameter = "flow"\nbonus_yuan = 1.0\npenalty_yuan = 2.0\n'
            f"annual_volume_min_m3 = {limit:.1f}\n")
    [met] = evaluate(agreement(tmp_path, body), read_results(path))
    [missed] = evaluate(agreement(tmp_path, body + 'water = "natural"\n'), read_results(path))
    assert (met.amount_yuan, missed.amount_yuan) == (1.0, -2.0)
    assert "annual volume of natural water" in missed.note
    with pytest.raises(HydroError, match=r"key 'target\[0\]\.water': applies to a flow target"):
        agreement(tmp_path, '[[target]]\nsection = "a"\nparameter = "tn"\nannual_mean_max = 2.0\nwater = "natural"\n')
