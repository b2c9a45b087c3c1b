"""The compensation rule engine: agreements in TOML, evaluated on monthly section series.

An :class:`Agreement` (read with :meth:`Agreement.from_toml`; the rule language is in
``docs/agreements.md``) holds quantity, water-quality-class, TN-reduction and target
rules and fixed payments between two parties.  :func:`evaluate` applies it to a
:class:`~hydro.monitoring.SectionSeries` (from a monitoring CSV or a results file,
see :func:`hydro.monitoring.read_series`) and returns :class:`Payment` lines in yuan,
which :func:`payments_as_json`, :func:`write_payments_csv` and :func:`format_payments`
tabulate.  The engine is independent of the simulator.

:func:`infer` fits an agreement's unpublished price (its ``[inference]`` table) to a
published payment in a published-figures CSV (:func:`read_published`) and checks it on
the other published amounts.

Modules: :mod:`~hydro.compensation.agreement` (reading agreements),
:mod:`~hydro.compensation.rules` (the rule types),
:mod:`~hydro.compensation.engine` (evaluating them),
:mod:`~hydro.compensation.quality` (class rules, per parameter or per section),
:mod:`~hydro.compensation.payments` (payment records and tables),
:mod:`~hydro.compensation.inference` (prices inferred from published figures),
:mod:`~hydro.compensation.direction` (one-way floors and the amounts a rule can give),
:mod:`~hydro.compensation.notes` (the caveats beside the payments: stderr and the JSON ``notes``).
"""

from hydro.compensation.engine import evaluate
from hydro.compensation.payments import (
    COLUMNS,
    Payment,
    format_payments,
    payments_as_json,
    payments_to_csv,
    totals,
    write_payments_csv,
)
from hydro.compensation.agreement import Agreement
from hydro.compensation.inference import infer, read_published
from hydro.compensation.rules import (
    Baseline,
    FixedPayment,
    Inference,
    Provenance,
    QualityClassRule,
    QuantityRule,
    Reported,
    TargetRule,
    TnReductionRule,
)

__all__ = [
    "COLUMNS", "Agreement", "Baseline", "FixedPayment", "Inference", "Payment", "Provenance",
    "QualityClassRule", "QuantityRule", "Reported", "TargetRule", "TnReductionRule",
    "evaluate", "format_payments", "infer", "payments_as_json", "payments_to_csv", "read_published", "totals",
    "write_payments_csv",
]
