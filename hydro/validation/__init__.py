"""Verification cases behind ``hydro validate``.

A case is a function that runs a problem and returns :class:`Check` objects, each a
metric with its value, its tolerance and whether it passed.  Cases register
themselves with :func:`case`; modules that hold cases are listed in
:data:`CASE_MODULES` and imported only when the registry is first used, so
``import hydro`` stays fast.
"""

from hydro.validation.registry import CASE_MODULES, Case, Check, all_cases, case, run_cases

__all__ = ["CASE_MODULES", "Case", "Check", "all_cases", "case", "run_cases"]
