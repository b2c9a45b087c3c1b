"""A class rule judging the section's class (``judge = "section"``): the worst class of its parameters.

Review of 2026-12-05, F1 (/tmp/rev_pay_out/FINDINGS.md): Zhangjiakou's plan asks for "9 national and
provincial sections at Class III as annual means"; a section's class is GB 3838-2002's single-factor
evaluation, the worst of its evaluated parameters, so a section with CODMn at IV is a Class IV section
whatever its NH3-N and TP.  The Guanting file paid a bonus per parameter at III.  Per-parameter
judgement (the default) stays where the text adds amounts across pollutants (Beijing 2015).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from hydro.classes import parameter_label
from hydro.compensation import Agreement, evaluate
from hydro.errors import HydroError
from hydro.monitoring import SectionSeries

ROOT = Path(__file__).resolve().parents[1]
AGREEMENTS = ROOT / "configs" / "agreements"
GUANTING = AGREEMENTS / "guanting_yongding_2023.toml"


def _flat(value, years):
    return np.full(12 * years, float(value))


def _guanting_series(bahaoqiao_codmn: float, tp_gap: int | None = None) -> SectionSeries:
    """2022-2025 at the three Zhangjiakou sections, every parameter flat.  NH3-N 0.8 (III), TP 0.15 (III, river)
    everywhere; CODMn 5.0 (III) except at Bahaoqiao, where it is given; ``tp_gap``: a month index without TP at
    Bahaoqiao."""
    years = 4
    data = {}
    for s in ("bahaoqiao", "xiangshuibao", "shixiali"):
        data[s] = {
            "codmn": _flat(bahaoqiao_codmn if s == "bahaoqiao" else 5.0, years),
            "nh3n": _flat(0.8, years),
            "tp": _flat(0.15, years),
            "tn": _flat(5.0, years),
            "flow": _flat(2.0e7, years),
        }
    if tp_gap is not None:
        data["bahaoqiao"]["tp"][tp_gap] = np.nan
    return SectionSeries(2022, data, source="synthetic")


def _class_lines(payments, section=None, year=None):
    return [p for p in payments if p.component == "quality_class"
            and (section is None or p.section == section) and (year is None or p.year == year)]


def _class_bonus(payments, section, year):
    return sum(p.amount_yuan for p in _class_lines(payments, section, year))


# -- the review's test, adapted ------------------------------------------------------------------------------
def test_guanting_section_meets_class_iii_only_when_every_parameter_does():
    """Bahaoqiao with CODMn 7.0 mg/L (Class IV) and NH3-N, TP at Class III is a Class IV section: it has not met
    the term, and its bonus is 0 (s43 paid 2 x 2 M = 4 M, one bonus per parameter at III)."""
    agreement = Agreement.from_toml(GUANTING)
    ok = evaluate(agreement, _guanting_series(5.0))
    worse = evaluate(agreement, _guanting_series(7.0))
    assert _class_bonus(ok, "shixiali", 2023) > 0
    assert _class_bonus(ok, "bahaoqiao", 2023) == _class_bonus(ok, "shixiali", 2023)
    assert _class_bonus(worse, "shixiali", 2023) == _class_bonus(ok, "shixiali", 2023)
    assert _class_bonus(worse, "bahaoqiao", 2023) == 0, \
        "a Class IV section (CODMn IV, NH3-N III, TP III) is paid a Class III bonus"


def test_guanting_pays_one_line_per_section_named_by_its_parameters():
    agreement = Agreement.from_toml(GUANTING)
    (rule,) = [r for r in agreement.rules if r.kind == "quality_class"]
    assert rule.judge == "section"
    worse = evaluate(agreement, _guanting_series(7.0))
    lines = _class_lines(worse, year=2023)
    assert [(p.section, p.parameter) for p in lines] == [
        ("bahaoqiao", "codmn+nh3n+tp"), ("xiangshuibao", "codmn+nh3n+tp"), ("shixiali", "codmn+nh3n+tp")]
    # a section meeting the term is paid the file's bonus per section (6 M: 3 x the 2 M once per parameter)
    assert [p.amount_yuan for p in lines] == [0.0, 6_000_000.0, 6_000_000.0]
    note = lines[0].note
    assert "codmn 7 mg/L (IV)" in note and "nh3n 0.8 mg/L (III)" in note and "tp 0.15 mg/L (III)" in note
    assert "section class IV, target III" in note
    assert all(p.complete for p in lines)


def test_a_parameter_without_a_value_leaves_the_section_class_undetermined():
    series = _guanting_series(5.0, tp_gap=12 + 4)  # May 2023: no annual mean of TP
    payments = evaluate(Agreement.from_toml(GUANTING), series)
    (line,) = _class_lines(payments, "bahaoqiao", 2023)
    assert math.isnan(line.amount_yuan) and not line.complete
    assert "section class undetermined" in line.note and "bahaoqiao tp 2023-05" in line.note
    # the other years and sections are determined
    assert _class_bonus(payments, "bahaoqiao", 2024) == 6_000_000


def test_skip_unavailable_leaves_out_a_section_line_missing_a_parameter():
    series = _guanting_series(5.0)
    del series.data["bahaoqiao"]["tp"]
    with pytest.raises(HydroError, match="'tp' has no data at section 'bahaoqiao'"):
        evaluate(Agreement.from_toml(GUANTING), series)
    payments = evaluate(Agreement.from_toml(GUANTING), series, skip_unavailable=True)
    assert not _class_lines(payments, "bahaoqiao")  # its class cannot be told without TP
    assert _class_bonus(payments, "shixiali", 2023) == 6_000_000


# -- monthly judgement, class steps, inflow -------------------------------------------------------------------
_MONTHLY = """\
name = "t"
source = "test"
period = [2023, 2023]
payer = "a"
payee = "b"

[[quality_class]]
sections = ["s"]
parameters = ["codmn", "tp"]
waterbody = "river"
evaluation = "monthly"
target_class = "II"
penalty_per_class_yuan = 100
reward_per_class_yuan = 10
bonus_yuan = 1
{extra}
"""


def _agreement(tmp_path, extra=""):
    path = tmp_path / "a.toml"
    path.write_text(_MONTHLY.format(extra=extra), encoding="utf-8")
    return Agreement.from_toml(path)


def _monthly_series(inflow=False):
    codmn = np.full(12, 3.0)  # II
    tp = np.full(12, 0.05)  # II
    codmn[0] = 8.0  # January IV: section IV
    tp[1] = 0.25  # February TP IV, CODMn II: section IV
    codmn[2], tp[2] = 1.0, 0.01  # March I on both: section I (better by one)
    data = {"s": {"codmn": codmn, "tp": tp}}
    if inflow:
        data["up"] = {"codmn": np.full(12, 3.0), "tp": np.full(12, 0.05)}  # II every month
    return SectionSeries(2023, data, source="synthetic")


def test_monthly_section_class_is_the_worst_parameter_per_month(tmp_path):
    (line,) = evaluate(_agreement(tmp_path, 'judge = "section"'), _monthly_series())
    assert line.parameter == "codmn+tp"
    # Jan, Feb: section IV, 2 classes short (-200 each); Mar: I, one better (+10 + bonus 1);
    # Apr-Dec: II (CODMn II, TP II), at target (bonus 1 each)
    assert line.amount_yuan == -200 - 200 + 11 + 9 * 1
    assert "section class the worst of codmn, tp" in line.note
    assert "01:IV(codmn)" in line.note and "02:IV(tp)" in line.note and "03:I(" in line.note


def test_a_per_parameter_rule_is_unchanged(tmp_path):
    """Default and explicit judge = "parameter": one line per parameter, amounts adding across them."""
    series = _monthly_series()
    default = evaluate(_agreement(tmp_path), series)
    explicit = evaluate(_agreement(tmp_path, 'judge = "parameter"'), series)
    assert default == explicit
    assert [(p.parameter, p.amount_yuan) for p in default] == [
        # CODMn: Jan IV (-200), Mar I (+11), 10 months II (+1 each)
        ("codmn", -200 + 11 + 10),
        # TP: Feb IV (-200), Mar I (+11), 10 months II (+1 each)
        ("tp", -200 + 11 + 10),
    ]
    assert default[0].note == "target II; months with amounts: 01:IV, 02:II, 03:I, 04:II, 05:II, 06:II, " \
                              "07:II, 08:II, 09:II, 10:II, 11:II, 12:II"


def test_shipped_per_parameter_rules_stay_per_parameter():
    """Beijing 2015 adds amounts across pollutants, and phase 1's inferred bonus is per section-parameter-month."""
    for name in ("beijing_internal_2015.toml", "miyun_chaobai_phase1_2018.toml", "miyun_chaobai_phase2_2022.toml"):
        for rule in Agreement.from_toml(AGREEMENTS / name).rules:
            if rule.kind == "quality_class":
                assert rule.judge == "parameter", name
                assert rule.groups() == tuple((p,) for p in rule.parameter_ids)


def test_an_inflow_section_is_judged_by_its_worst_parameter_too(tmp_path):
    agreement = _agreement(tmp_path, 'judge = "section"\ninflow_section = "up"')
    (line,) = evaluate(agreement, _monthly_series(inflow=True))
    # Jan, Feb: IV against an inflow at II: worse by 2 -> -200 each; Mar I -> +11; 9 months II -> +1
    assert line.amount_yuan == -200 - 200 + 11 + 9
    assert "01:IV(codmn)/in II" in line.note


# -- parsing ----------------------------------------------------------------------------------------------
def test_judge_defaults_to_parameter(tmp_path):
    (rule,) = _agreement(tmp_path).rules
    assert rule.judge == "parameter"
    assert rule.groups() == (("codmn",), ("tp",))


@pytest.mark.parametrize("value", ['"sections"', '"worst"', "1", "true"])
def test_an_unknown_judgement_names_the_key_and_the_choices(tmp_path, value):
    with pytest.raises(HydroError) as err:
        _agreement(tmp_path, f"judge = {value}")
    text = str(err.value)
    assert "a.toml" in text and "key 'quality_class[0].judge'" in text
    assert '"parameter"' in text and '"section"' in text and "docs/agreements.md" in text
    if value == '"sections"':
        assert "did you mean 'section'" in text


def test_judge_can_be_set_on_the_command_line():
    agreement = Agreement.from_toml(GUANTING, ["quality_class[0].judge=\"parameter\""])
    (rule,) = [r for r in agreement.rules if r.kind == "quality_class"]
    assert rule.judge == "parameter"
    lines = _class_lines(evaluate(agreement, _guanting_series(7.0)), "bahaoqiao", 2023)
    assert [(p.parameter, p.amount_yuan) for p in lines] == [("codmn", 0.0), ("nh3n", 6e6), ("tp", 6e6)]


def test_a_joined_parameter_reads_as_its_labels():
    assert parameter_label("codmn+nh3n+tp") == "CODMn+NH3-N+TP"
    assert parameter_label("tp") == "TP"


def test_inference_counts_a_section_judged_rule_once_per_section():
    """Phase 1's bonus fitted on the published conditions (every section Class II): per section-parameter-month
    (the file's judge = "parameter") or per section-month, three times as large (three parameters)."""
    from hydro.compensation import infer, read_published

    published = read_published(AGREEMENTS / "miyun_chaobai_published.csv")
    fitted = {}
    for judge in ("parameter", "section"):
        a = Agreement.from_toml(AGREEMENTS / "miyun_chaobai_phase1_2018.toml", [f'quality_class[0].judge="{judge}"'])
        fitted[judge] = infer(a, published)["inferred"][0]["value"]
    assert fitted["parameter"] == pytest.approx(1_961_265, abs=1)
    assert fitted["section"] == pytest.approx(3 * fitted["parameter"])
