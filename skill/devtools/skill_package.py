"""``make skill-package``: the ASK CLI's skill package, generated from ``interaction_models/``.

``skill-package/skill.json`` is the manifest (``interaction_models/skill.json``) and
``skill-package/interactionModels/custom/en-GB.json`` the interaction model
(``interaction_models/en-GB.json``, itself generated from the grammar by ``make
model``). ``ask deploy`` uploads this folder (``ask-resources.json``); a test fails when
it is stale. Edit ``interaction_models/``, never ``skill-package/``.

The manifest subscribes to ``SKILL_DISABLED`` (the user disabled the skill: their
preferences are deleted). Alexa sends skill events to the manifest's events endpoint,
which, like the skill's own endpoint, differs per deployment: the ASK CLI's Lambda
deployer sets it (``skillEvents`` in ``ask-resources.json``); with SAM, give the
function's ARN as ``SKILL_ENDPOINT`` (``SKILL_ENDPOINT=arn:... make skill-package``)
and the package carries it. A package that differs only in that endpoint is not stale.

The model is tracked by git once, in ``interaction_models/``: the package's copy is
ignored, so run ``make skill-package`` before ``ask deploy`` (``make model``, ``make
check`` and ``make test`` run it too).

Some of the manifest only the skill's owner can supply: a privacy policy and terms of
use on their own web site, and the skill's icons. ``owner_to_do`` lists what is still
missing; ``python -m skill check`` prints the list without failing, since a
development skill can be deployed and tested without them (certification cannot).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "interaction_models"
PACKAGE = ROOT / "skill-package"
LOCALE = "en-GB"


def render(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def files(source: Path = SOURCE, events_endpoint: str | None = None) -> dict[str, str]:
    """Each file of the package (path inside ``skill-package/``) and its text; with
    ``events_endpoint`` (a Lambda ARN or HTTPS URL), where skill events go."""
    manifest = json.loads((source / "skill.json").read_text(encoding="utf-8"))
    events = manifest.get("manifest", {}).get("events")
    if events_endpoint and isinstance(events, dict):
        events["endpoint"] = {"uri": events_endpoint}
    model = json.loads((source / f"{LOCALE}.json").read_text(encoding="utf-8"))
    return {
        "skill.json": render(manifest),
        f"interactionModels/custom/{LOCALE}.json": render(model),
    }


def built(package: Path = PACKAGE) -> bool:
    """Whether ``make skill-package`` has been run here at all: a fresh clone has no
    package yet (it is generated, not tracked), which is a note, not a problem."""
    return package.is_dir() and any(path.suffix == ".json" for path in package.rglob("*"))


def stale(package: Path = PACKAGE, source: Path = SOURCE) -> list[str]:
    """The package's files that differ from what ``make skill-package`` would write."""
    wanted = files(source)
    found = (
        {
            path.relative_to(package).as_posix()
            for path in package.rglob("*")
            if path.is_file() and path.suffix == ".json"
        }
        if package.is_dir()
        else set()
    )
    differing = [
        name
        for name, text in wanted.items()
        if not (package / name).is_file()
        or _without_events_endpoint((package / name).read_text(encoding="utf-8")) != text
    ]
    return sorted(set(differing) | (found - set(wanted)))


def _without_events_endpoint(text: str) -> str:
    """A manifest's text as it would be without a deployment's events endpoint."""
    try:
        data = json.loads(text)
    except ValueError:
        return text
    events = data.get("manifest", {}).get("events") if isinstance(data, dict) else None
    if not isinstance(events, dict) or "endpoint" not in events:
        return text
    del events["endpoint"]
    return render(data)


def write(package: Path = PACKAGE, source: Path = SOURCE, events_endpoint: str | None = None) -> list[str]:
    written = []
    for name, text in files(source, events_endpoint).items():
        target = package / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(name)
    return written


def owner_to_do(manifest: dict[str, Any]) -> list[str]:
    """The manifest fields only the skill's owner can supply, that are still missing."""
    body = manifest.get("manifest", {})
    locale = body.get("publishingInformation", {}).get("locales", {}).get(LOCALE, {})
    privacy = body.get("privacyAndCompliance", {}).get("locales", {}).get(LOCALE, {})
    wanted = [
        (
            privacy,
            "privacyPolicyUrl",
            "privacyAndCompliance.locales.en-GB.privacyPolicyUrl",
            "a privacy policy on your own site (say what is remembered, and 'forget me')",
        ),
        (
            privacy,
            "termsOfUseUrl",
            "privacyAndCompliance.locales.en-GB.termsOfUseUrl",
            "terms of use on your own site",
        ),
        (
            locale,
            "smallIconUri",
            "publishingInformation.locales.en-GB.smallIconUri",
            "a 108 x 108 pixel PNG icon",
        ),
        (
            locale,
            "largeIconUri",
            "publishingInformation.locales.en-GB.largeIconUri",
            "a 512 x 512 pixel PNG icon",
        ),
    ]
    return [
        f"{path}: missing ({what})"
        for where, key, path, what in wanted
        if not isinstance(where.get(key), str) or not where[key].strip()
    ]


def main() -> int:
    import os

    written = write(events_endpoint=os.environ.get("SKILL_ENDPOINT") or None)
    print(f"skill-package: {', '.join(written) if written else 'up to date'}")
    manifest = json.loads((SOURCE / "skill.json").read_text(encoding="utf-8"))
    for line in owner_to_do(manifest):
        print(f"  to do before certification: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
