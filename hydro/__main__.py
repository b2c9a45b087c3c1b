"""``python -m hydro`` is the ``hydro`` command."""

from hydro.cli import main

main()
