# ruff: noqa: UP031
# Run by `make install` with the Python it was given, before anything else; so this
# file is written to run on old Pythons too (no f-strings, no annotations).
"""Stop with a clear message on a Python older than 3.11, and remove a ``.venv`` that
another Python made (it would be reused, broken or on the wrong version, otherwise).

    python scripts/check_python.py .venv
"""

import os
import platform
import shutil
import sys

MINIMUM = (3, 11)


def venv_version(venv):
    """The Python version that made ``venv`` (from its pyvenv.cfg), or None."""
    try:
        with open(os.path.join(venv, "pyvenv.cfg")) as config:
            for line in config:
                key, _, value = line.partition("=")
                if key.strip() in ("version", "version_info"):
                    return value.strip()
    except OSError:
        return None
    return None


def main(argv):
    if sys.version_info[:2] < MINIMUM:
        sys.stderr.write(
            "make install needs Python %d.%d or newer; %s is Python %s.\n"
            "Install a newer Python and run, for example: make install PYTHON=python3.12\n"
            % (MINIMUM[0], MINIMUM[1], sys.executable, platform.python_version())
        )
        return 1
    venv = argv[1] if len(argv) > 1 else ".venv"
    if os.path.isdir(venv):
        made_by = venv_version(venv)
        if made_by != platform.python_version():
            sys.stdout.write(
                "%s was made by Python %s; rebuilding it with Python %s (%s)\n"
                % (venv, made_by or "unknown", platform.python_version(), sys.executable)
            )
            shutil.rmtree(venv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
