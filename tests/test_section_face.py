"""A section's values are taken on a cell face: the results' ``section_position`` is that face's place, not
the basin file's position it was moved from (a convergence review, 2026-12-05: the tiny example's
``tailwater_mid``, 0.5 of a reach of five cells, is computed at 0.6 of it, while the results said 0.5)."""

from __future__ import annotations

import numpy as np

import hydro
from hydro.assembly import section_face


def test_the_results_place_a_section_on_the_face_its_values_come_from():
    model = hydro.Model.from_basin("tiny")
    net = model.basin.network
    given = {s.id: s.position for s in net.sections}
    assert given["tailwater_mid"] == 0.5
    reach = net.reaches[net.reach_index(next(s.reach for s in net.sections if s.id == "tailwater_mid"))]
    assert reach.n_cells == 5  # faces at 0.2, 0.4, ..., 1.0: 0.5 lies between two
    ds = model.run("2020-01-01", "2020-01-05", apportion=False)
    placed = {str(k): float(v) for k, v in zip(ds["section"].values, ds["section_position"].values, strict=True)}
    assert placed["tailwater_mid"] == 0.6
    for s in net.sections:  # a position on a face is kept
        face = section_face(net, s)
        assert placed[s.id] == float(f"{face:g}")
        assert np.isclose(face * reach.n_cells, round(face * reach.n_cells)) or s.reach != reach.id
    assert {k: v for k, v in placed.items() if k != "tailwater_mid"} == {k: v for k, v in given.items()
                                                                       if k != "tailwater_mid"}
