"""Reading a content file: ``NAME.json`` where the build left one, else ``NAME.toml``.

People edit the TOML files beside the loaders (``knowledge/topics.toml``,
``dialogue/en-GB.toml``). ``make lambda`` checks them and writes each as compact JSON
into the package it ships (``write_compiled``), without the TOML: the standard
library's TOML parser is pure Python and takes several milliseconds, ``json`` (which
the SDK has loaded already) a fraction of one. Whichever form is read, the loader
checks it the same way, so broken content still stops the skill at start-up.
"""

from __future__ import annotations

import json
import os
from typing import Any


class ContentFileError(ValueError):
    """A content file is missing or is not valid TOML or JSON."""


def _path(module_file: str, name: str, suffix: str) -> str:
    return os.path.join(os.path.dirname(module_file), name + suffix)


def available(module_file: str) -> frozenset[str]:
    """The names of the content files beside ``module_file``, in either form."""
    folder = os.path.dirname(module_file)
    return frozenset(
        entry.rsplit(".", 1)[0] for entry in os.listdir(folder) if entry.endswith((".toml", ".json"))
    )


def read(module_file: str, name: str) -> dict[str, Any]:
    """The parsed content file ``name`` beside ``module_file`` (a loader's ``__file__``)."""
    compiled = _path(module_file, name, ".json")
    if os.path.isfile(compiled):
        try:
            with open(compiled, encoding="utf-8") as file:
                data = json.load(file)
        except ValueError as error:
            raise ContentFileError(f"{name}.json is not valid JSON: {error}") from error
        if not isinstance(data, dict):
            raise ContentFileError(f"{name}.json does not hold a table")
        return data
    source = _path(module_file, name, ".toml")
    if not os.path.isfile(source):
        raise ContentFileError(f"no content file {name}.toml")
    import tomllib  # only where no compiled form was built: development, tests

    try:
        with open(source, "rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ContentFileError(f"{name}.toml is not valid TOML: {error}") from error


def write_compiled(source: str, target: str) -> None:
    """``source`` (TOML) written as compact JSON at ``target``. Callers check the content
    with its loader first; TOML dates and times would not survive (the content has none)."""
    import tomllib

    with open(source, "rb") as file:
        data = tomllib.load(file)
    with open(target, "w", encoding="utf-8") as file:
        json.dump(data, file, ensure_ascii=False, separators=(",", ":"))  # in the order written
