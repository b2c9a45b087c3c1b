import sys
from pathlib import Path

# tests import their plain-Python references (naive_transport) as modules
sys.path.insert(0, str(Path(__file__).parent))
