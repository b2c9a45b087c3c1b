import os
import sys
from pathlib import Path

from hypothesis import settings

# tests import their plain-Python references (naive_transport) as modules
sys.path.insert(0, str(Path(__file__).parent))

# CI (CI=true) explores the same examples on every run, so that a submission's
# result does not depend on which random cases a run happened to draw; locally
# every run draws new ones (and replays past failures from .hypothesis/).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
