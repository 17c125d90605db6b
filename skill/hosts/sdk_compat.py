"""Importing flask-ask-sdk on machines whose OpenSSL oscrypto cannot read.

flask-ask-sdk imports ask-sdk-webservice-support's default verifier module, which
imports ``certvalidator``, which imports ``oscrypto``. oscrypto 1.3.0 (its last
release) cannot parse OpenSSL version strings from 3.0.10 on and raises
``LibraryNotFoundError`` at import (https://github.com/wbond/oscrypto/issues/78; the
fix is unreleased), so on such machines flask-ask-sdk cannot even be imported.

This project never runs that default verifier: requests are verified by
``skill.hosts.verification`` (on ``cryptography``), and the web host turns the SDK's
own verifiers off. So, only when the real import fails that way, we stand in empty
``certvalidator`` modules whose classes refuse to work, import flask-ask-sdk, and
log that we did. Where oscrypto imports fine, nothing is replaced.
"""

from __future__ import annotations

import importlib
import logging
import sys
import types
from typing import Any

log = logging.getLogger(__name__)

#: True once the stand-in is in place (for the tests and the start-up log).
stand_in_used = False


class DefaultVerifierUnavailable(RuntimeError):
    """The SDK's default certificate verifier was called; this project never uses it."""


def _refuse(*_args: Any, **_kwargs: Any) -> Any:
    raise DefaultVerifierUnavailable(
        "ask-sdk-webservice-support's default verifier needs oscrypto, which cannot load "
        "here; use skill.hosts.verification instead"
    )


def _stand_in_certvalidator() -> None:
    package = types.ModuleType("certvalidator")
    package.__doc__ = "Stand-in installed by skill.hosts.sdk_compat; refuses all use."
    errors = types.ModuleType("certvalidator.errors")

    class ValidationError(Exception):
        pass

    class PathError(Exception):
        pass

    class CertificateValidator:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            _refuse()

    package.CertificateValidator = CertificateValidator  # type: ignore[attr-defined]
    package.ValidationContext = CertificateValidator  # type: ignore[attr-defined]
    package.errors = errors  # type: ignore[attr-defined]
    errors.ValidationError = ValidationError  # type: ignore[attr-defined]
    errors.PathError = PathError  # type: ignore[attr-defined]
    sys.modules["certvalidator"] = package
    sys.modules["certvalidator.errors"] = errors


def _is_oscrypto_failure(error: BaseException) -> bool:
    return type(error).__module__.startswith("oscrypto")


def import_skill_adapter() -> Any:
    """``flask_ask_sdk.skill_adapter``, imported whether or not oscrypto can load."""
    global stand_in_used
    try:
        return importlib.import_module("flask_ask_sdk.skill_adapter")
    except Exception as error:
        if not _is_oscrypto_failure(error):
            raise
        for name in [n for n in sys.modules if n.split(".")[0] in {"oscrypto", "certvalidator"}]:
            del sys.modules[name]
        _stand_in_certvalidator()
        stand_in_used = True
        # INFO, not WARNING: nothing is wrong with this service; the stand-in is never used.
        log.info(
            "oscrypto cannot load on this OpenSSL (%s); flask-ask-sdk imported with a "
            "stand-in for its default verifier, which this project does not use",
            type(error).__name__,
        )
        return importlib.import_module("flask_ask_sdk.skill_adapter")
