"""The public API is a plain library: importing it must not need Django's app registry."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import livingwell


def test_importing_the_api_does_not_import_django():
    code = (
        "import sys\n"
        "from livingwell.outcomes import score, change, talking_therapies\n"
        "assert score('gad7', {str(i): 1 for i in range(1, 8)}).total == 7\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(loaded))\n"
    )
    # Make the package importable in the child however the tests were started.
    src = str(Path(livingwell.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == ""
