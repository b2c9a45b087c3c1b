"""Goodness-of-fit metrics that score a simulated series against observations.

Size: ten short metric functions, each with the docstring of its formula and reference, kept beside the
registry (Metric, metric) that names them.

This module owns the objective functions used in calibration and in reports:
Nash-Sutcliffe efficiency on values and on logarithms, the Kling-Gupta
efficiencies of 2009 and 2012 with their components, percent bias, the
RMSE-observations standard deviation ratio, the root mean square error, the
mean and largest absolute relative errors of a few published figures, and
the registry :data:`METRICS` through which a configuration names its objective.

Conventions shared by every metric
----------------------------------
* Arguments are ``(sim, obs)``, in that order (as in HydroErr and hydroGOF):
  two one-dimensional series of the same length, aligned in time, in the same
  units (for total nitrogen, mg/L or kg/d).
* A pair in which ``sim`` or ``obs`` is NaN is dropped before anything is
  computed; the remaining pairs keep their order.  Infinite values are not
  dropped: they raise :class:`~hydro.errors.HydroError`, since they point to a
  broken simulation or a bad file, not to a missing day.
* At least two valid pairs are needed (one for ``mare`` and ``max_are``,
  made for sparse published figures: :attr:`Metric.min_pairs`).  Metrics that divide by the variance of
  the observations (NSE, log-NSE, KGE, RSR) raise
  :class:`~hydro.errors.HydroError` when the observations are constant;
  PBIAS and KGE need a non-zero observed sum or mean.
* Standard deviations are population standard deviations (``ddof=0``).  The
  KGE ratios alpha and gamma do not depend on this choice, because it cancels
  in the ratio.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from hydro.errors import HydroError, suggest

__all__ = [
    "KGEComponents",
    "LOG_NSE_EPSILON_FRACTION",
    "METRICS",
    "Metric",
    "kge_2009",
    "kge_2012",
    "kge_components",
    "log_nse",
    "mare",
    "max_are",
    "metric",
    "nse",
    "pbias",
    "rmse",
    "rsr",
]

#: Fraction of the mean observation added to every value before taking
#: logarithms in :func:`log_nse` (Pushpalatha et al., 2012: epsilon = mean(obs)/100).
LOG_NSE_EPSILON_FRACTION = 0.01


# --------------------------------------------------------------------------- input checks


def _pairs(sim: ArrayLike, obs: ArrayLike, name: str,
           minimum: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Return the valid ``(sim, obs)`` pairs as two float64 arrays.

    Drops pairs where either value is NaN; raises :class:`HydroError` for
    differing shapes, arrays that are not one-dimensional, infinite values and
    fewer than ``minimum`` valid pairs, and for two labelled series (pandas, xarray) whose
    labels differ: they are paired by position, so another order or a shifted day would be
    scored as if aligned.  ``name`` is the metric, for the messages.
    """
    _check_labels(sim, obs, name)
    try:
        s = np.asarray(sim, dtype=np.float64)
        o = np.asarray(obs, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name}: sim and obs must be sequences of numbers ({exc})") from exc
    if s.shape != o.shape:
        raise HydroError(
            f"{name}: sim has shape {s.shape} but obs has shape {o.shape}; pass two series "
            "of the same length, aligned in time (one value per time step in each)")
    if s.ndim != 1:
        raise HydroError(
            f"{name}: sim and obs must be one-dimensional series, got shape {s.shape}; "
            "score one station or reach at a time")
    keep = ~(np.isnan(s) | np.isnan(o))
    s, o = s[keep], o[keep]
    for label, values in (("sim", s), ("obs", o)):
        bad = ~np.isfinite(values)
        if bad.any():
            first = int(np.flatnonzero(keep)[np.argmax(bad)])
            raise HydroError(
                f"{name}: {label} holds {int(bad.sum())} infinite value(s) (first at index "
                f"{first}); replace them with NaN if they mark missing data, otherwise "
                "check the simulation for overflow")
    if s.size < minimum:
        raise HydroError(
            f"{name}: only {s.size} pair(s) with both sim and obs present (of {keep.size} "
            f"given; pairs with a NaN are dropped); at least {minimum} "
            f"{'is' if minimum == 1 else 'are'} needed. Check that the "
            "simulated and observed periods overlap and that obs is not all missing")
    return s, o


def _labels(x) -> np.ndarray | None:
    """The labels of a pandas Series (its index) or a one-dimensional xarray DataArray (its dimension's
    coordinate), or None for plain sequences."""
    index = getattr(x, "index", None)
    if index is not None and not callable(index):   # pandas (a list's .index is a method)
        return np.asarray(index)
    dims = getattr(x, "dims", None)
    if dims and len(dims) == 1 and dims[0] in getattr(x, "indexes", {}):
        return np.asarray(x.indexes[dims[0]])
    return None


def _check_labels(sim, obs, name: str) -> None:
    """Refuse two labelled series whose labels differ (a metric pairs values by position)."""
    a, b = _labels(sim), _labels(obs)
    if a is None or b is None or (a.shape == b.shape and bool(np.all(a == b))):
        return
    raise HydroError(
        f"{name}: sim and obs are labelled series whose labels differ (first sim {a[:1].tolist()}, obs "
        f"{b[:1].tolist()}, {a.size} and {b.size} labels); their values would be paired by position. Align "
        "them first (pandas: sim, obs = sim.align(obs, join='inner'); xarray: xr.align(sim, obs)), or pass "
        "plain arrays if position is what pairs them")


#: The range of magnitudes whose squares and sums of squares neither underflow nor overflow in float64
#: (1e-150 squared is 1e-300, above the smallest normal 2.2e-308; 1e150 squared summed a million times is
#: 1e306, below 1.8e308); outside it the values are scaled by a power of two, which changes no digit.
SAFE_MAGNITUDE = (1e-150, 1e150)


def _scale(s: np.ndarray, o: np.ndarray) -> float:
    """A power of two to divide both series by so that their squares neither underflow nor overflow
    (1.0 in :data:`SAFE_MAGNITUDE`, so the usual units are computed exactly as written)."""
    top = max(float(np.max(np.abs(o))), float(np.max(np.abs(s)))) if o.size else 0.0
    if top == 0.0 or SAFE_MAGNITUDE[0] <= top <= SAFE_MAGNITUDE[1]:
        return 1.0
    return math.ldexp(1.0, math.frexp(top)[1])


def _unit_free(s: np.ndarray, o: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both series divided by :func:`_scale` (exact: a power of two), for metrics without a unit."""
    k = _scale(s, o)
    return (s, o) if k == 1.0 else (s / k, o / k)


def _require_varying_obs(o: np.ndarray, name: str) -> None:
    """Raise :class:`HydroError` when all observations are equal (zero variance)."""
    if o.min() == o.max():
        raise HydroError(
            f"{name}: the {o.size} valid observations are all equal ({o[0]:g}), so their "
            f"variance is zero and {name} (which divides by it) is undefined; use a period "
            "in which the observations vary, or a metric that does not divide by their "
            "variance, such as 'rmse' or 'pbias'")


def _require_nonzero(value: float, name: str, what: str, fix: str) -> None:
    """Raise :class:`HydroError` when ``value`` (a sum or mean) is exactly zero."""
    if value == 0.0:
        raise HydroError(f"{name}: {what} is zero, so {name} is undefined; {fix}")


# --------------------------------------------------------------------------- kernels
# Plain functions of two clean float64 arrays of equal length >= 2.


def _nse(s: np.ndarray, o: np.ndarray) -> float:
    return float(1.0 - np.sum((s - o) ** 2) / np.sum((o - o.mean()) ** 2))


def _pearson_r(s: np.ndarray, o: np.ndarray) -> float:
    ds = s - s.mean()
    do = o - o.mean()
    ss = np.sum(ds * ds)
    if ss == 0.0:  # constant simulation: correlation undefined, taken as 0 (documented)
        return 0.0
    return float(np.sum(ds * do) / math.sqrt(ss * np.sum(do * do)))


def _kge(r: float, variability: float, beta: float) -> float:
    return 1.0 - math.sqrt((r - 1.0) ** 2 + (variability - 1.0) ** 2 + (beta - 1.0) ** 2)


# --------------------------------------------------------------------------- public metrics


def nse(sim: ArrayLike, obs: ArrayLike) -> float:
    r"""Nash-Sutcliffe efficiency.

    .. math::

        \mathrm{NSE} = 1 - \frac{\sum_i (s_i - o_i)^2}{\sum_i (o_i - \bar o)^2}

    Parameters
    ----------
    sim, obs : array_like, shape (n,)
        Simulated and observed series, same units, aligned in time.  Pairs with
        a NaN in either are dropped.

    Returns
    -------
    float
        NSE, dimensionless.  Range (-inf, 1]; optimum 1; 0 means the simulation
        is as good as the mean of the observations; higher is better.

    Raises
    ------
    HydroError
        Shapes differ, fewer than 2 valid pairs, infinite values, or constant
        observations.

    References
    ----------
    Nash, J. E. and Sutcliffe, J. V. (1970). River flow forecasting through
    conceptual models part I - A discussion of principles. Journal of
    Hydrology, 10(3), 282-290.
    """
    s, o = _unit_free(*_pairs(sim, obs, "nse"))
    _require_varying_obs(o, "nse")
    return _nse(s, o)


def log_nse(sim: ArrayLike, obs: ArrayLike, epsilon: float | None = None) -> float:
    r"""Nash-Sutcliffe efficiency of the natural logarithms (weights low values).

    .. math::

        \mathrm{NSE}_{\log} = \mathrm{NSE}\bigl(\ln(s + \varepsilon),\ \ln(o + \varepsilon)\bigr),
        \qquad \varepsilon = \bar o / 100

    The small constant :math:`\varepsilon` is added to *every* simulated and
    observed value, so that zeros (dry days, concentrations below detection)
    have a finite logarithm.  By default it is one hundredth of the mean of the
    valid observations (:data:`LOG_NSE_EPSILON_FRACTION`), the rule that
    Pushpalatha et al. (2012) recommend and hydroGOF offers as
    ``epsilon.type = "Pushpalatha2012"``.  It is computed after NaN pairs are
    dropped, from the observations of the pairs scored: the same for every
    simulation that is a number on the same days (a simulated NaN drops its
    observation from the mean too, as it drops the pair).

    Parameters
    ----------
    sim, obs : array_like, shape (n,)
        Simulated and observed series, same units, non-negative.  Pairs with a
        NaN in either are dropped.
    epsilon : float, optional
        The constant to add, in the units of ``obs``; must be >= 0.  Default:
        ``mean(obs) / 100``.

    Returns
    -------
    float
        Log-NSE, dimensionless.  Range (-inf, 1]; optimum 1; higher is better.

    Raises
    ------
    HydroError
        As :func:`nse`, and when a value plus epsilon is not positive (negative
        values, or zeros with ``epsilon=0``).

    References
    ----------
    Pushpalatha, R., Perrin, C., Le Moine, N. and Andreassian, V. (2012). A
    review of efficiency criteria suitable for evaluating low-flow
    simulations. Journal of Hydrology, 420-421, 171-182.
    """
    s, o = _pairs(sim, obs, "log_nse")
    _require_varying_obs(o, "log_nse")
    if epsilon is None:
        eps = LOG_NSE_EPSILON_FRACTION * float(o.mean())
    else:
        eps = float(epsilon)
        if not (math.isfinite(eps) and eps >= 0.0):
            raise HydroError(f"log_nse: epsilon must be a finite number >= 0, got {epsilon!r}")
    for label, values in (("sim", s), ("obs", o)):
        low = float(values.min())
        if low + eps <= 0.0:
            raise HydroError(
                f"log_nse: {label} has a value of {low:g}, which plus epsilon = {eps:g} is not "
                "positive, so its logarithm is undefined; log_nse needs non-negative series "
                "(and epsilon > 0 when they contain zeros)")
    return _nse(np.log(s + eps), np.log(o + eps))


class KGEComponents(NamedTuple):
    """The parts of a Kling-Gupta efficiency, in HydroErr's ``return_all`` order.

    Attributes
    ----------
    r : float
        Pearson correlation of sim and obs (0 when sim is constant).
    variability : float
        alpha = sigma_s / sigma_o (KGE 2009) or gamma = CV_s / CV_o (KGE 2012).
    beta : float
        Bias ratio mu_s / mu_o.
    kge : float
        ``1 - sqrt((r-1)^2 + (variability-1)^2 + (beta-1)^2)``.
    """

    r: float
    variability: float
    beta: float
    kge: float


def kge_components(sim: ArrayLike, obs: ArrayLike, *, version: Literal[2009, 2012]) -> KGEComponents:
    r"""Kling-Gupta efficiency with its correlation, variability and bias parts.

    .. math::

        \mathrm{KGE} = 1 - \sqrt{(r - 1)^2 + (v - 1)^2 + (\beta - 1)^2},
        \qquad \beta = \mu_s / \mu_o

    with the variability term :math:`v = \alpha = \sigma_s / \sigma_o` for
    ``version=2009`` (Gupta et al., 2009) and
    :math:`v = \gamma = (\sigma_s/\mu_s) / (\sigma_o/\mu_o)`, the ratio of the
    coefficients of variation, for ``version=2012`` (Kling et al., 2012), which
    keeps the bias and variability terms from being cross-correlated.

    Parameters
    ----------
    sim, obs : array_like, shape (n,)
        Simulated and observed series, same units.  Pairs with a NaN in either
        are dropped.
    version : {2009, 2012}
        Which KGE.

    Returns
    -------
    KGEComponents
        ``(r, variability, beta, kge)``, all dimensionless.  KGE ranges over
        (-inf, 1] with optimum 1 (r = variability = beta = 1); higher is better.

    Raises
    ------
    HydroError
        Shapes differ, fewer than 2 valid pairs, infinite values, constant
        observations, a zero observed mean, or (2012 only) a zero simulated
        mean.

    Notes
    -----
    When the simulation is constant its correlation with the observations is
    undefined; it is taken as ``r = 0`` (no linear association) so that a
    calibration exploring such a parameter set gets a poor, finite score
    rather than NaN.  HydroErr returns NaN there.

    References
    ----------
    Gupta, H. V., Kling, H., Yilmaz, K. K. and Martinez, G. F. (2009).
    Decomposition of the mean squared error and NSE performance criteria:
    Implications for improving hydrological modelling. Journal of Hydrology,
    377(1-2), 80-91.

    Kling, H., Fuchs, M. and Paulin, M. (2012). Runoff conditions in the upper
    Danube basin under an ensemble of climate change scenarios. Journal of
    Hydrology, 424-425, 264-277.
    """
    if version not in (2009, 2012):
        raise HydroError(f"kge_components: version must be 2009 or 2012, got {version!r}")
    name = f"kge_{version}"
    s, o = _unit_free(*_pairs(sim, obs, name))
    _require_varying_obs(o, name)
    mu_o = float(o.mean())
    mu_s = float(s.mean())
    _require_nonzero(mu_o, name, "the mean of the observations",
                     "the bias ratio beta = mean(sim)/mean(obs) needs a non-zero observed mean; "
                     "use 'nse' or 'rmse' for series centred on zero")
    r = _pearson_r(s, o)
    beta = mu_s / mu_o
    alpha = float(s.std()) / float(o.std())
    if version == 2009:
        variability = alpha
    else:
        _require_nonzero(mu_s, name, "the mean of the simulation",
                         "gamma = CV(sim)/CV(obs) divides by it; use 'kge_2009', whose "
                         "variability ratio does not")
        variability = alpha * mu_o / mu_s
    return KGEComponents(r, variability, beta, _kge(r, variability, beta))


def kge_2009(sim: ArrayLike, obs: ArrayLike) -> float:
    r"""Kling-Gupta efficiency of Gupta et al. (2009).

    .. math::

        \mathrm{KGE} = 1 - \sqrt{(r-1)^2 + (\alpha-1)^2 + (\beta-1)^2},
        \quad \alpha = \sigma_s/\sigma_o, \quad \beta = \mu_s/\mu_o

    Parameters
    ----------
    sim, obs : array_like, shape (n,)
        Simulated and observed series, same units.  Pairs with a NaN in either
        are dropped.

    Returns
    -------
    float
        KGE, dimensionless.  Range (-inf, 1]; optimum 1; higher is better.

    Raises
    ------
    HydroError
        See :func:`kge_components`, which also returns r, alpha and beta.

    References
    ----------
    Gupta, H. V., Kling, H., Yilmaz, K. K. and Martinez, G. F. (2009).
    Journal of Hydrology, 377(1-2), 80-91.
    """
    return kge_components(sim, obs, version=2009).kge


def kge_2012(sim: ArrayLike, obs: ArrayLike) -> float:
    r"""Modified Kling-Gupta efficiency of Kling et al. (2012).

    .. math::

        \mathrm{KGE'} = 1 - \sqrt{(r-1)^2 + (\gamma-1)^2 + (\beta-1)^2},
        \quad \gamma = \frac{\sigma_s/\mu_s}{\sigma_o/\mu_o}, \quad \beta = \mu_s/\mu_o

    Parameters
    ----------
    sim, obs : array_like, shape (n,)
        Simulated and observed series, same units.  Pairs with a NaN in either
        are dropped.

    Returns
    -------
    float
        KGE', dimensionless.  Range (-inf, 1]; optimum 1; higher is better.

    Raises
    ------
    HydroError
        See :func:`kge_components`, which also returns r, gamma and beta.

    References
    ----------
    Kling, H., Fuchs, M. and Paulin, M. (2012). Journal of Hydrology,
    424-425, 264-277.
    """
    return kge_components(sim, obs, version=2012).kge


def pbias(sim: ArrayLike, obs: ArrayLike) -> float:
    r"""Percent bias of the simulation relative to the observations.

    .. math::

        \mathrm{PBIAS} = 100\,\frac{\sum_i (s_i - o_i)}{\sum_i o_i}

    **Sign convention: positive means the simulation over-estimates** (its
    total is larger than the observed total); negative means it
    under-estimates.  This is the convention of hydroGOF's ``pbias``
    (Zambrano-Bigiarini, ``man/pbias.Rd``: "Positive values indicate
    overestimation bias").  HydroErr has no PBIAS; its mean error ``me`` has
    the same sign.  Note that Moriasi et al. (2007) use ``obs - sim`` and hence
    the opposite sign; negate to compare with their rating tables.

    Parameters
    ----------
    sim, obs : array_like, shape (n,)
        Simulated and observed series, same units.  Pairs with a NaN in either
        are dropped.

    Returns
    -------
    float
        PBIAS in percent.  Range (-inf, inf) (>= -100 for non-negative series);
        optimum 0; smaller magnitude is better.

    Raises
    ------
    HydroError
        Shapes differ, fewer than 2 valid pairs, infinite values, or a zero
        observed sum.

    References
    ----------
    Yapo, P. O., Gupta, H. V. and Sorooshian, S. (1996). Automatic calibration
    of conceptual rainfall-runoff models: sensitivity to calibration data.
    Journal of Hydrology, 181(1-4), 23-48.

    Zambrano-Bigiarini, M. hydroGOF: Goodness-of-fit functions for comparison
    of simulated and observed hydrological time series. R package.
    """
    s, o = _pairs(sim, obs, "pbias")
    total = float(np.sum(o))
    _require_nonzero(total, "pbias", "the sum of the observations",
                     "pbias divides by it; use 'rmse' for series centred on zero")
    return 100.0 * float(np.sum(s - o)) / total


def rmse(sim: ArrayLike, obs: ArrayLike) -> float:
    r"""Root mean square error.

    .. math::

        \mathrm{RMSE} = \sqrt{\frac{1}{n}\sum_i (s_i - o_i)^2}

    Parameters
    ----------
    sim, obs : array_like, shape (n,)
        Simulated and observed series, same units.  Pairs with a NaN in either
        are dropped.

    Returns
    -------
    float
        RMSE in the units of ``obs``.  Range [0, inf); optimum 0; lower is
        better.

    Raises
    ------
    HydroError
        Shapes differ, fewer than 2 valid pairs, or infinite values.

    References
    ----------
    Willmott, C. J. and Matsuura, K. (2005). Advantages of the mean absolute
    error (MAE) over the root mean square error (RMSE) in assessing average
    model performance. Climate Research, 30(1), 79-82.
    """
    s, o = _pairs(sim, obs, "rmse")
    k = _scale(s, o)
    return k * math.sqrt(float(np.mean(((s - o) / k) ** 2)))


def rsr(sim: ArrayLike, obs: ArrayLike) -> float:
    r"""Ratio of the RMSE to the standard deviation of the observations.

    .. math::

        \mathrm{RSR} = \frac{\mathrm{RMSE}}{\sigma_o}
        = \frac{\sqrt{\sum_i (s_i - o_i)^2}}{\sqrt{\sum_i (o_i - \bar o)^2}}
        = \sqrt{1 - \mathrm{NSE}}

    with the population standard deviation :math:`\sigma_o` (``ddof=0``), so
    that the second form, that of Moriasi et al. (2007), holds exactly.

    Parameters
    ----------
    sim, obs : array_like, shape (n,)
        Simulated and observed series, same units.  Pairs with a NaN in either
        are dropped.

    Returns
    -------
    float
        RSR, dimensionless.  Range [0, inf); optimum 0; lower is better
        (Moriasi et al. rate <= 0.5 "very good" for monthly streamflow).

    Raises
    ------
    HydroError
        Shapes differ, fewer than 2 valid pairs, infinite values, or constant
        observations.

    References
    ----------
    Moriasi, D. N., Arnold, J. G., Van Liew, M. W., Bingner, R. L., Harmel,
    R. D. and Veith, T. L. (2007). Model evaluation guidelines for systematic
    quantification of accuracy in watershed simulations. Transactions of the
    ASABE, 50(3), 885-900.
    """
    s, o = _unit_free(*_pairs(sim, obs, "rsr"))
    _require_varying_obs(o, "rsr")
    return math.sqrt(float(np.sum((s - o) ** 2)) / float(np.sum((o - o.mean()) ** 2)))


def _relative_errors(sim: ArrayLike, obs: ArrayLike, name: str) -> np.ndarray:
    """``|s - o| / |o|`` of every valid pair (one pair is enough); no observation may be 0."""
    s, o = _pairs(sim, obs, name, minimum=1)
    if np.any(o == 0.0):
        raise HydroError(f"{name}: an observation is zero, so its relative error is undefined; "
                         "use 'rmse' for values that can be zero")
    return np.abs(s - o) / np.abs(o)


def mare(sim: ArrayLike, obs: ArrayLike) -> float:
    r"""Mean absolute relative error, in percent.

    .. math::

        \mathrm{MARE} = \frac{100}{n}\sum_i \frac{|s_i - o_i|}{|o_i|}

    Made for a few published figures rather than a series: reservoir storage on
    the dates a newspaper gave it, a year's inflow, a mean over years.  Each
    figure counts alike whatever its size, errors of opposite sign do not
    cancel (as they do in PBIAS), and **one pair is enough** (NSE and KGE need
    a varying series).  The value reads as the issue's acceptance bounds do
    ("storage within 15 %").

    Parameters
    ----------
    sim, obs : array_like, shape (n,)
        Simulated and observed values, same units, n >= 1.  Pairs with a NaN in
        either are dropped.

    Returns
    -------
    float
        MARE in percent.  Range [0, inf); optimum 0; lower is better.

    Raises
    ------
    HydroError
        Shapes differ, no valid pair, infinite values, or an observation of 0.
    """
    return 100.0 * float(np.mean(_relative_errors(sim, obs, "mare")))


def max_are(sim: ArrayLike, obs: ArrayLike) -> float:
    r"""Largest absolute relative error, in percent: :math:`100 \max_i |s_i - o_i| / |o_i|`.

    The worst of a few published figures, to check an acceptance bound
    ("every storage point within 15 %": ``max_are <= 15``).  As :func:`mare`,
    one pair is enough.

    Returns
    -------
    float
        Percent.  Range [0, inf); optimum 0; lower is better.

    Raises
    ------
    HydroError
        Shapes differ, no valid pair, infinite values, or an observation of 0.
    """
    return 100.0 * float(np.max(_relative_errors(sim, obs, "max_are")))


# --------------------------------------------------------------------------- registry

Goal = Literal["maximize", "minimize", "zero"]


@dataclass(frozen=True)
class Metric:
    """A named objective that a configuration can choose.

    Attributes
    ----------
    name : str
        Key in :data:`METRICS`, e.g. ``"kge_2012"``.
    func : callable
        ``func(sim, obs) -> float``.
    goal : {"maximize", "minimize", "zero"}
        Whether higher values are better, lower values are better, or values
        closest to ``optimum`` (in magnitude) are better (PBIAS).
    optimum : float
        The value of a perfect simulation.
    units : str
        Units of the value (``"1"`` for dimensionless, ``"%"``, or
        ``"same as obs"``).
    long_name : str
        Human-readable name.
    min_pairs : int
        Fewest valid ``(sim, obs)`` pairs the metric accepts (2 for the
        efficiencies and errors of a series, 1 for the relative errors of a
        few published figures).
    loss_divisor : float
        What the distance to the optimum is divided by in :meth:`loss`: 100 for
        the metrics in percent (PBIAS, MARE, max ARE), so that their loss is a
        fraction like ``1 - NSE``; 1 otherwise.
    """

    name: str
    func: Callable[[ArrayLike, ArrayLike], float]
    goal: Goal
    optimum: float
    units: str
    long_name: str
    min_pairs: int = 2
    loss_divisor: float = 1.0

    @property
    def unit_bearing(self) -> bool:
        """Whether the value is in the observed variable's unit (RMSE): its loss cannot be
        added to another metric's, nor read as an efficiency (``1 - loss``)."""
        return self.units == "same as obs"

    @property
    def higher_is_better(self) -> bool | None:
        """True for efficiencies, False for errors, None for PBIAS (closest to 0 is best)."""
        return {"maximize": True, "minimize": False, "zero": None}[self.goal]

    def __call__(self, sim: ArrayLike, obs: ArrayLike) -> float:
        """Return ``func(sim, obs)``."""
        return self.func(sim, obs)

    def loss(self, sim: ArrayLike, obs: ArrayLike) -> float:
        """A value to minimise, 0 for a perfect simulation: :meth:`loss_of` the metric's value."""
        return self.loss_of(self.func(sim, obs))

    def loss_of(self, value: float) -> float:
        """The calibration loss of a metric's ``value``, 0 for a perfect simulation.

        ``optimum - value`` for efficiencies (e.g. ``1 - NSE``), ``value`` for
        errors, ``abs(value)`` for PBIAS, divided by :attr:`loss_divisor`: the
        metrics in percent enter as fractions (``|PBIAS| / 100``, ``MARE / 100``),
        commensurate with ``1 - NSE`` in a weighted sum (review s44 F1); RMSE stays
        in the variable's unit (:attr:`unit_bearing`).
        """
        if self.goal == "maximize":
            distance = self.optimum - value
        elif self.goal == "minimize":
            distance = value - self.optimum
        else:
            distance = abs(value - self.optimum)
        return distance if self.loss_divisor == 1.0 else distance / self.loss_divisor


#: Every metric a configuration may name, by name (read-only).
METRICS: Mapping[str, Metric] = MappingProxyType({
    m.name: m for m in (
        Metric("nse", nse, "maximize", 1.0, "1", "Nash-Sutcliffe efficiency"),
        Metric("log_nse", log_nse, "maximize", 1.0, "1",
               "Nash-Sutcliffe efficiency of ln(x + mean(obs)/100)"),
        Metric("kge_2009", kge_2009, "maximize", 1.0, "1", "Kling-Gupta efficiency (2009)"),
        Metric("kge_2012", kge_2012, "maximize", 1.0, "1", "modified Kling-Gupta efficiency (2012)"),
        Metric("pbias", pbias, "zero", 0.0, "%", "percent bias, positive = over-estimation",
               loss_divisor=100.0),
        Metric("rsr", rsr, "minimize", 0.0, "1", "RMSE over standard deviation of observations"),
        Metric("rmse", rmse, "minimize", 0.0, "same as obs", "root mean square error"),
        Metric("mare", mare, "minimize", 0.0, "%", "mean absolute relative error", min_pairs=1,
               loss_divisor=100.0),
        Metric("max_are", max_are, "minimize", 0.0, "%", "largest absolute relative error",
               min_pairs=1, loss_divisor=100.0),
    )
})


def metric(name: str) -> Metric:
    """Look up a metric by the name a configuration gives.

    Parameters
    ----------
    name : str
        One of the keys of :data:`METRICS`.

    Returns
    -------
    Metric

    Raises
    ------
    TypeError
        ``name`` is not a string.
    HydroError
        ``name`` is unknown; the message suggests the nearest known name.
    """
    if not isinstance(name, str):
        raise TypeError(f"metric name must be a string, got {type(name).__name__}")
    try:
        return METRICS[name]
    except KeyError:
        raise HydroError(
            f"unknown metric '{name}'" + suggest(name, METRICS)
            + "; known metrics: " + ", ".join(METRICS)) from None
