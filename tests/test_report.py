"""`hydro report`: a self-contained HTML page whose numbers match the results file, written
atomically, and that a real browser (headless Chromium) renders without errors."""

import base64
import io
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from html.parser import HTMLParser

import numpy as np
import pytest
from click.testing import CliRunner

from hydro.errors import HydroError
from hydro.report import build_report, render, report_command
from hydro.report import tables as report_tables
from hydro.report.html import fmt
from hydro.results import Results, load_results

# ids of the sections and tables the watershed report must have
SECTIONS = ("glance", "provenance", "network", "sections", "sources", "reservoirs", "budgets")
TABLES = ("section-discharge", "tn-section-concentration", "tn-section-load", "tn-source-load",
          "tn-source-share", "reservoir-lake", "tn-budget-run", "tn-budget-year")


@pytest.fixture(scope="module")
def small_results(tmp_path_factory):
    """The watershed example over four months across a new year (a partial year each side)."""
    from hydro.basin import Basin
    from hydro.simulation import run

    path = tmp_path_factory.mktemp("report") / "small.nc"
    results = run(Basin.load("watershed"), date(2001, 11, 1), date(2002, 2, 28),
                  history="hydro run watershed --start 2001-11-01 --end 2002-02-28")
    results.to_netcdf(path)
    return path


@pytest.fixture(scope="module")
def report(small_results, tmp_path_factory):
    out = tmp_path_factory.mktemp("html") / "report.html"
    build_report(small_results, out)
    return out


class _Page(HTMLParser):
    """Collects element ids, tag names, img sources and any URL-bearing attributes."""

    def __init__(self):
        super().__init__()
        self.ids, self.tags, self.images, self.urls = set(), [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "img":
            self.images.append(a.get("src", ""))
        for key in ("src", "href", "data", "poster", "action"):
            if key in a and not (tag == "img" and key == "src"):
                self.urls.append(a[key])


def _parse(path):
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_report_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    page = _parse(report)
    assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I), "a reference to another host"
    for tag in ("script", "link", "iframe", "object", "embed"):
        assert tag not in page.tags, f"<{tag}> in a report that must load nothing"
    assert "@import" not in text and "url(" not in text
    assert all(u.startswith("#") for u in page.urls), page.urls  # only in-page links
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    # every figure is an embedded PNG that decodes to a non-blank image
    import matplotlib.image as mpimg

    assert len(page.images) >= 4, "network, trajectory, sources and reservoir figures"
    for src in page.images:
        assert src.startswith("data:image/png;base64,"), src[:40]
        img = mpimg.imread(io.BytesIO(base64.b64decode(src.split(",", 1)[1])), format="png")
        assert img.shape[0] > 300 and img.shape[1] > 600 and float(img.std()) > 0.02


def test_report_has_the_sections_and_tables(report):
    page = _parse(report)
    missing = [k for k in SECTIONS + TABLES if k not in page.ids]
    assert not missing, f"missing ids: {missing}"
    for fig in ("fig-tn-network", "fig-tn-trajectory", "fig-tn-sources", "fig-reservoir-lake"):
        assert fig in page.ids
    text = report.read_text(encoding="utf-8")
    for unit in ("(m³/s)", "(mg/L)", "(t per year)", "(t/a)", "million m³"):
        assert unit in text, unit


def test_provenance_names_the_run(report, small_results):
    r = load_results(small_results)
    text = report.read_text(encoding="utf-8")
    for key in ("basin", "config_sha256", "source"):
        assert r.attrs[key] in text, key
    assert "hydro run watershed --start 2001-11-01 --end 2002-02-28" in text
    assert "synthetic" in text.lower() and str(r.attrs["weather_seed"]) in text
    assert "2001-11-01 to 2002-02-28" in text


def test_section_numbers_match_the_results(report, small_results):
    """The load and concentration tables agree with sums taken straight from the file."""
    r = load_results(small_results)
    text = report.read_text(encoding="utf-8")
    dates = np.array(r.dates)
    in_2002 = np.array([d.year == 2002 for d in dates])
    k = r.coords["section"].index("lake_inlet")
    load = r["section_tn_load"][:, k]
    q = r["section_discharge"][:, k]
    load_2002_t = load[in_2002].sum() / 1000.0
    conc_2002 = load[in_2002].sum() / (q[in_2002].sum() * 86.4)
    per_year = load.sum() / 1000.0 * 365.25 / len(dates)
    for value in (load_2002_t, conc_2002, per_year):
        assert f">{fmt(value)}<" in text, value
    assert "2001 (61 d)" in text and "2002 (59 d)" in text  # partial years are marked


def test_budget_tables_close_and_sum_the_years(small_results):
    r = load_results(small_results)
    run_table, year_table = report_tables.budget_tables(r, "tn")
    assert run_table.header[-1].startswith("imbalance")
    worst = max(row[-1] for row in run_table.rows + year_table.rows)
    assert worst < 1e-12, f"budgets close only to {worst:.2e}"
    terms = list(r.coords["budget_term"])
    b = r["tn_budget_reach"]
    unit_scale = 1e-3 if run_table.caption.endswith("(t)") else 1.0
    first = run_table.rows[0]
    assert first[:2] == [r.coords["reach"][0], "reach"]
    assert first[2] == pytest.approx(b[:, 0, terms.index("inflow")].sum() * unit_scale)
    removal = run_table.header.index("removal")
    assert first[removal] == pytest.approx(b[:, 0, terms.index("removal")].sum() * unit_scale)
    assert len(year_table.rows) == len(r.coords["budget_year"]) * (len(r.coords["reach"]) + len(r.coords["reservoir"]))


def test_source_shares_add_to_one_hundred(small_results):
    r = load_results(small_results)
    loads, shares = report_tables.source_tables(r, "tn")
    for row in shares.rows:
        assert sum(row[1:]) == pytest.approx(100.0)
    for row in loads.rows:
        assert sum(row[1:-1]) == pytest.approx(row[-1])


def test_refuses_to_overwrite_and_writes_atomically(small_results, tmp_path, monkeypatch):
    out = tmp_path / "r.html"
    out.write_text("keep me")
    with pytest.raises(HydroError, match="--overwrite"):
        build_report(small_results, out)
    assert out.read_text() == "keep me"

    import hydro.report as rep

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(rep.os, "replace", broken_replace)
    with pytest.raises(OSError):
        build_report(small_results, out, overwrite=True)
    monkeypatch.undo()
    assert out.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"], "a partial file was left"

    build_report(small_results, out, overwrite=True)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("name, message", [("r.pdf", "ending in .html"),
                                           ("missing/r.html", "folder does not exist")])
def test_bad_output_paths_are_user_errors(small_results, tmp_path, name, message):
    with pytest.raises(HydroError, match=message):
        build_report(small_results, tmp_path / name)


def test_command_writes_and_exits_2_on_mistakes(small_results, tmp_path, monkeypatch):
    from hydro.cli import main

    monkeypatch.setitem(main.commands, "report", report_command)
    out = tmp_path / "r.html"
    runner = CliRunner()
    ok = runner.invoke(main, ["report", str(small_results), "-o", str(out)])
    assert ok.exit_code == 0, ok.output
    assert f"written: {out}" in ok.output and out.stat().st_size > 10_000
    again = runner.invoke(main, ["report", str(small_results), "-o", str(out)])
    assert again.exit_code == 2 and "--overwrite" in again.output
    assert "Traceback" not in again.output
    missing = runner.invoke(main, ["report", str(tmp_path / "nope.nc"), "-o", str(tmp_path / "x.html")])
    assert missing.exit_code == 2 and "nope.nc" in missing.output


def test_scenario_and_member_dimensions(tmp_path):
    """A file of several scenarios with ensemble members reports one scenario, members averaged."""
    days = 60
    dates = [date(2020, 1, 1) + timedelta(days=i) for i in range(days)]
    coords = {"time": dates, "reach": ["a", "b"], "section": ["s"], "scenario": ["baseline", "green"],
              "member": [0, 1, 2]}
    rng = np.random.default_rng(3)
    r = Results(coords=coords, attrs={"basin": "synthetic", "network_downstream": "a=b;b="},
                constituents={"tn": "total nitrogen"})
    q = 2.0 + rng.random((2, 3, days, 1))
    conc = np.stack([np.full((3, days, 1), 2.0), np.full((3, days, 1), 1.0)])
    r.data["section_discharge"] = q
    r.data["section_tn_load"] = q * conc * 86.4
    r.data["section_tn_concentration"] = conc
    r.data["tn_concentration"] = np.repeat(conc, 2, axis=-1)
    source = tmp_path / "synthetic.nc"
    source.write_bytes(b"stand-in for the results file")
    page = render(r, source, scenario="green")
    assert 'id="scenarios"' in page and "scenario green" in page
    assert ">1.00<" in page and ">2.00<" not in page  # the green scenario's flow-weighted TN
    with pytest.raises(HydroError, match="unknown scenario"):
        render(r, source, scenario="grey")


# --- a real browser -------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (.ci/install-chromium.sh)")


def _chromium(page, tmp_path, *mode):
    """Run headless Chromium on ``page``; returns (stdout, stderr)."""
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
           *mode, page.resolve().as_uri()]
    env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS="disabled:")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, proc.stderr


def _console(stderr):
    """Console messages of the page (CSP violations, failed loads, script errors)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@needs_chromium
def test_chromium_renders_the_report(report, tmp_path):
    dom, log = _chromium(report, tmp_path, "--dump-dom")
    assert _console(log) == [], "the page logged errors:\n" + "\n".join(_console(log))
    for heading in ("At a glance", "Configuration and provenance", "Mass budgets", "Loads by source"):
        assert heading in dom
    assert dom.count("<table") >= len(TABLES) and dom.count("<img") >= 4

    shot = tmp_path / "report.png"
    _, log = _chromium(report, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000",
                       "--hide-scrollbars")
    assert _console(log) == []
    import matplotlib.image as mpimg

    img = mpimg.imread(shot)
    assert img.shape[:2] == (2000, 1280)
    rgb = img[..., :3]
    assert float(rgb.std()) > 0.05, "the screenshot is blank"
    # the masthead is dark blue, the page below light: both must be there
    assert rgb[:60].mean() < 0.5 and rgb[400:].mean() > 0.8


@needs_chromium
def test_chromium_check_catches_external_references(report, tmp_path):
    """The negative control: an external image in the page is blocked and logged."""
    bad = tmp_path / "bad.html"
    bad.write_text(report.read_text(encoding="utf-8").replace(
        "<main", '<img src="https://example.invalid/x.png"><main', 1), encoding="utf-8")
    _, log = _chromium(bad, tmp_path, "--dump-dom")
    assert any("example.invalid" in line for line in _console(log)), log[-2000:]


def test_report_annual_figures_are_the_same_from_monthly_means(tmp_path):
    """A monthly-mean file gives the daily file's annual loads, means and flow-weighted TN."""
    import subprocess

    from hydro.report.tables import discharge_table, section_tables
    from hydro.results import load_results

    daily, monthly = tmp_path / "d.nc", tmp_path / "m.nc"
    for out, extra in ((daily, []), (monthly, ["--aggregate", "monthly"])):
        r = subprocess.run(["hydro", "run", "tiny", "-o", str(out), "-q", *extra], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    d, m = load_results(daily), load_results(monthly)
    for a, b in zip(section_tables(d, "tn") + [discharge_table(d)], section_tables(m, "tn") + [discharge_table(m)],
                    strict=True):
        assert a.header == b.header
        for ra, rb in zip(a.rows, b.rows, strict=True):
            # monthly means times their days are the daily sums: round-off only
            np.testing.assert_allclose(np.array(ra[1:], dtype=float), np.array(rb[1:], dtype=float), rtol=1e-9)


# --- payments (--agreement, --uncertainty) ---------------------------------------------------

PAYMENTS_AGREEMENT = '''name = "report payments test"
source = "test case"
period = [2002, 2002]
payer = "up"
payee = "down"

[[target]]
section = "outlet"
parameter = "tn"
annual_mean_max = 20.0
source = "test"
bonus_yuan = {{ value = 1_000_000, assumption = true, note = "test", range = [1_000_000, 3_000_000] }}

[[target]]
section = "lake_inlet"
parameter = "tn"
annual_mean_max = {edge!r}
bonus_yuan = 1_000_000
source = "test"
'''


@pytest.fixture(scope="module")
def year_case(tmp_path_factory):
    """The watershed example over 2002 and an agreement on it: a bonus far inside its target
    (ranged price) and one exactly at the simulated annual mean (decided by the error)."""
    from hydro.basin import Basin
    from hydro.monitoring import read_series
    from hydro.simulation import run

    folder = tmp_path_factory.mktemp("payments")
    path = folder / "year.nc"
    run(Basin.load("watershed"), date(2002, 1, 1), date(2002, 12, 31)).to_netcdf(path)
    edge = float(read_series(path).annual_mean("lake_inlet", "tn", 2002))
    (folder / "a.toml").write_text(PAYMENTS_AGREEMENT.format(edge=edge), encoding="utf-8")
    return path, folder / "a.toml"


def _rows_of(text, table_id):
    body = text.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [[re.sub("<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>", 1)[1])]


def test_report_payments_section_with_bands(year_case, tmp_path):
    results, agreement = year_case
    out = build_report(results, tmp_path / "p.html", agreement=agreement, uncertainty=40, seed=3)
    page = _parse(out)
    assert {"payments", "payment-lines", "payments-net", "fig-payment-bands", "payment-bands",
            "payment-bands-net"} <= page.ids
    text = out.read_text(encoding="utf-8")
    assert '<a href="#payments">Payments</a>' in text
    bands_img = text.split('id="fig-payment-bands"', 1)[1].split("</figure>", 1)[0]
    assert '<img src="data:image/png;base64,' in bands_img  # embedded like the other figures
    lines = {r[1]: r for r in _rows_of(text, "payment-lines")}
    assert lines["outlet"][5] == "1,000,000" and lines["lake_inlet"][5] == "1,000,000"
    bands = {r[1]: r for r in _rows_of(text, "payment-bands")}
    outlet, edge = bands["outlet"], bands["lake_inlet"]
    assert outlet[8] == "1.00" and "measurement error" not in outlet[9]  # ranged price, always paid
    lo, med, hi = (float(v.replace(",", "")) for v in (outlet[6], outlet[5], outlet[7]))
    assert 1e6 <= lo < med < hi <= 3e6
    assert "decided within measurement error" in edge[9] and 0.0 < float(edge[8]) < 1.0
    assert re.search(r"40 of 40\s+members", text)
    # which way the net went, as the text output says it (the engineer's review of 2026-12-04)
    from hydro.compensation import Agreement, evaluate
    from hydro.compensation.payments import direction_note
    from hydro.monitoring import read_series
    from hydro.report.html import esc

    assert "Direction: " in text
    note = direction_note(evaluate(Agreement.from_toml(agreement), read_series(results)))
    assert note.startswith("direction: ") and esc(note[0].upper() + note[1:]) in text


def test_report_without_agreement_is_unchanged(year_case, tmp_path):
    results, agreement = year_case
    plain = build_report(results, tmp_path / "plain.html").read_text(encoding="utf-8")
    paid = build_report(results, tmp_path / "paid.html", agreement=agreement).read_text(encoding="utf-8")
    assert 'id="payments"' not in plain and "Payments" not in plain
    stamp = re.compile(r"written \d{4}-\d\d-\d\d \d\d:\d\d UTC")
    without = re.sub(r'<section class="card" id="payments">.*?</section>', "", paid, flags=re.S)
    without = without.replace('<li><a href="#payments">Payments</a></li>', "")
    assert stamp.sub("", without) == stamp.sub("", plain)
    assert 'id="payment-bands"' not in paid  # bands only with --uncertainty


def test_report_payments_command_and_mistakes(year_case, tmp_path, monkeypatch):
    from hydro.cli import main

    results, agreement = year_case
    monkeypatch.setitem(main.commands, "report", report_command)
    runner = CliRunner()
    out = tmp_path / "r.html"
    ok = runner.invoke(main, ["report", str(results), "-o", str(out), "--agreement", str(agreement),
                              "--uncertainty", "5"])
    assert ok.exit_code == 0, ok.output
    assert "report: payments (11/11)" in ok.output and 'id="fig-payment-bands"' in out.read_text(encoding="utf-8")
    lacking = tmp_path / "lacking.toml"
    lacking.write_text(agreement.read_text(encoding="utf-8").replace('"outlet"', '"nowhere"'), encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = 1\n", encoding="utf-8")
    for args, message in (([str(lacking)], "section 'nowhere' is not in"), ([str(bad)], "key 'name'")):
        r = runner.invoke(main, ["report", str(results), "-o", str(tmp_path / "x.html"), "--agreement", *args])
        assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output, r.output
    alone = runner.invoke(main, ["report", str(results), "-o", str(tmp_path / "x.html"), "--uncertainty", "3"])
    assert alone.exit_code == 2 and "--agreement" in alone.output
    assert not (tmp_path / "x.html").exists()
