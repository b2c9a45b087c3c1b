from click.testing import CliRunner

from hydro import __version__
from hydro.cli import main


def test_version_prints_package_version():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
