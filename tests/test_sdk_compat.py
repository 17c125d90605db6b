"""flask-ask-sdk imports here despite oscrypto, and its default verifier cannot run."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
try:
    import oscrypto.asymmetric  # what certvalidator needs
    oscrypto_loads = True
except Exception:
    oscrypto_loads = False
for name in [n for n in sys.modules if n.startswith("oscrypto")]:
    del sys.modules[name]
from skill.hosts import sdk_compat
module = sdk_compat.import_skill_adapter()
assert module.SkillAdapter
print(oscrypto_loads, sdk_compat.stand_in_used)
if sdk_compat.stand_in_used:
    from ask_sdk_webservice_support import verifier
    try:
        verifier.CertificateValidator(b"certificate", intermediate_certs=[])
    except sdk_compat.DefaultVerifierUnavailable:
        print("refused")
    except Exception as error:
        print("other", type(error).__name__)
"""


def test_flask_ask_sdk_imports_and_the_stand_in_is_used_only_when_needed() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    oscrypto_loads, stand_in_used = lines[0] == "True", lines[1] == "True"
    assert stand_in_used is not oscrypto_loads
    if stand_in_used:
        assert lines[2] == "refused"


STAND_IN_LOG = """
import importlib, logging, sys
records = []
logging.getLogger().addHandler(type("H", (logging.Handler,), {"emit": lambda self, r: records.append(r)})())
logging.getLogger().setLevel(logging.DEBUG)
from skill.hosts import sdk_compat

class LibraryNotFoundError(Exception):
    pass

LibraryNotFoundError.__module__ = "oscrypto.errors"
real = importlib.import_module
failed = []

def first_fails(name, package=None):
    if not failed:
        failed.append(name)
        raise LibraryNotFoundError("Error detecting the version of libcrypto")
    return real(name, package)

sdk_compat.importlib.import_module = first_fails
sdk_compat.import_skill_adapter()
print(sdk_compat.stand_in_used, [r.levelname for r in records if r.name == "skill.hosts.sdk_compat"])
"""


def test_the_stand_in_is_logged_at_info_not_warning() -> None:
    result = subprocess.run([sys.executable, "-c", STAND_IN_LOG], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "['INFO']"]
