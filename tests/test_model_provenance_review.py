"""A Model run's ``parameters_changed`` rebuilds the basin it ran (found in review, 2026-12-01).

The configuration hash of ``Model.with_parameters`` depends on the order the changes were
given; ``parameters_changed`` must keep that order, or ``hydro gep`` (which rebuilds the run's
basin from it) refuses the run as made from a changed basin file.
"""

from hydro.gep_inputs import run_basin
from hydro.model import Model


def test_changes_given_out_of_sorted_order_rebuild_the_same_basin():
    changes = {"run.dispersion_limit": 0.9, "run.courant": 0.8}  # not in sorted order
    model = Model.from_basin("miyun").with_parameters(changes)
    results = model.run("2013-01-01", "2013-01-10")
    rebuilt = run_basin(results)  # raises when the recorded changes give another hash
    assert rebuilt.sha256 == results.attrs["config_sha256"]
