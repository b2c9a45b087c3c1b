"""Review of the leftovers (issues 13/16): "1 of 1 members" in the payments with uncertainty.

``hydro compensate --uncertainty 1`` printed "1 of 1 members (seed 0)" over its table, the
payment-bands figure's title read "a: 1 members, drawn: ..." and hydro report's payments section
"Payment lines over 1 members"; a net "incomplete in 1 of 1 members".  The count now agrees with
its noun (:func:`hydro.compensation.uncertainty.members_of`), as ``members_counted`` does for
scenario ensembles.
"""

import pytest
from test_payment_uncertainty import AGREEMENT, CSV

from hydro.compensation.uncertainty import Setup, format_uncertainty, members_of, payment_uncertainty


@pytest.fixture()
def setup(tmp_path):
    (tmp_path / "m.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "a.toml").write_text(AGREEMENT, encoding="utf-8")
    return Setup(str(tmp_path / "a.toml"), series=str(tmp_path / "m.csv"), weather=False)


def test_members_of_agrees_with_its_count():
    assert [members_of(1, 1), members_of(19, 20), members_of(1, 2), members_of(0, 3)] == [
        "1 of 1 member", "19 of 20 members", "1 of 2 members", "0 of 3 members"]
    assert [members_of(1), members_of(2), members_of(0)] == ["1 member", "2 members", "0 members"]


@pytest.mark.parametrize(("members", "header", "title"), [(1, "1 of 1 member (seed 0)", "a: 1 member, drawn"),
                                                          (2, "2 of 2 members (seed 0)", "a: 2 members, drawn")])
def test_table_header_and_bands_title(setup, members, header, title):
    from hydro.compensation.uncertainty import plot_payment_bands
    from hydro.report.payments import bands_table

    result = payment_uncertainty(setup, members, workers=1, quiet=True)
    text = format_uncertainty(result)
    assert text.startswith(header) and "1 members" not in text
    fig = plot_payment_bands(result)
    assert fig.axes[0].get_title().startswith(title)
    assert f"over {members_of(members)} (yuan)" in bands_table(result).caption
