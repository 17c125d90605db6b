"""Deployment, checked offline: the SAM template (cfn-lint, and against the code), the
ASK CLI project (skill-package/ up to date, ask-resources.json), and the manifest's
answers about endpoint, privacy and permissions against what the code does."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode

from scripts import build_lambda
from skill import builder, knowledge, metrics, preferences, reminders_api
from skill.devtools import check, skill_package
from skill.preferences.sqlite import SCHEMA
from tests.conftest import ROOT

SKILL_SOURCE = "\n".join(path.read_text(encoding="utf-8") for path in sorted((ROOT / "skill").rglob("*.py")))
PRODUCTION_SOURCE = "\n".join(
    path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "skill").rglob("*.py"))
    if "devtools" not in path.parts
)


def template() -> dict[str, Any]:
    decoded, problems = decode(str(ROOT / "template.yaml"))
    assert not problems
    return dict(decoded)


def function() -> dict[str, Any]:
    properties: dict[str, Any] = template()["Resources"]["SkillFunction"]["Properties"]
    return properties


def manifest() -> dict[str, Any]:
    found: dict[str, Any] = json.loads((ROOT / "skill-package" / "skill.json").read_text())["manifest"]
    return found


def ask_resources() -> dict[str, Any]:
    found: dict[str, Any] = json.loads((ROOT / "ask-resources.json").read_text())["profiles"]["default"]
    return found


# --- The SAM template -------------------------------------------------------------------


def test_cfn_lint_passes_on_the_template_offline() -> None:
    linter = shutil.which("cfn-lint", path=str(Path(sys.executable).parent))
    assert linter, "cfn-lint is pinned in requirements/dev.txt: make install"
    result = subprocess.run(
        [linter, "--", "template.yaml"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_function_runs_the_lambda_zip_on_a_python_runtime_fit_for_voice() -> None:
    properties = function()
    assert properties["Runtime"] in ("python3.12", "python3.13")
    # The zip's bytecode is for the runtime it is deployed on (make lambda's default).
    assert properties["Runtime"] == build_lambda.DEFAULT_RUNTIME
    assert properties["CodeUri"] == "build/lambda.zip"
    module, name = properties["Handler"].split(".")
    entry = ast.parse((ROOT / "lambda" / f"{module}.py").read_text())
    names = {
        alias.asname or alias.name
        for node in ast.walk(entry)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert name in names
    # Alexa waits 8 seconds: the function must give up before Alexa does.
    assert properties["Timeout"] < 8
    assert properties["MemorySize"] >= 256
    timeout = float(properties["Environment"]["Variables"]["PREFERENCES_TIMEOUT"])
    assert 0 < timeout <= 2


def test_only_alexa_for_this_skill_can_invoke_the_function_and_the_code_checks_the_id_too() -> None:
    properties = function()
    [event] = properties["Events"].values()
    assert event["Type"] == "AlexaSkill"
    assert event["Properties"]["SkillId"] == {"Ref": "SkillId"}
    variables = properties["Environment"]["Variables"]
    assert variables["SKILL_ID"] == {"Ref": "SkillId"}
    assert "SKILL_ID" in (ROOT / "skill" / "hosts" / "lambda_host.py").read_text()


def test_the_table_is_on_demand_with_time_to_live_and_configured_for_the_function() -> None:
    resources = template()["Resources"]
    table = resources["PreferencesTable"]
    assert table["Type"] == "AWS::DynamoDB::Table"
    assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": preferences.EXPIRY_ATTRIBUTE,
        "Enabled": True,
    }
    assert function()["Environment"]["Variables"]["PREFERENCES_TABLE"] == {"Ref": "PreferencesTable"}
    # "Forget me" is final: no backups that would keep a deleted record.
    assert "PointInTimeRecoverySpecification" not in table["Properties"]


def test_the_function_may_only_get_put_and_delete_items_in_its_own_table() -> None:
    [policy] = function()["Policies"]
    [statement] = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"]
    assert statement["Resource"] == {"Fn::GetAtt": ["PreferencesTable", "Arn"]}
    # Exactly the calls the store makes: the SDK adapter's delete_item, our get_item and put_item.
    spec = importlib.util.find_spec("ask_sdk_dynamodb.adapter")  # importing it needs an AWS region
    assert spec is not None and spec.origin is not None
    adapter_source = Path(spec.origin).read_text()
    ours = (ROOT / "skill" / "preferences" / "dynamodb.py").read_text()
    assert {"delete_item"} <= set(re.findall(r"\.(\w+_item)\(", adapter_source))
    assert set(re.findall(r"\.(\w+_item)\(", ours)) == {"get_item", "put_item"}


# --- What people ask, counted: the fallback rate alarm and the dashboard ---------------------


def metric_stat(query: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    metric = query["MetricStat"]["Metric"]
    dimensions = {d["Name"]: d["Value"] for d in metric["Dimensions"]}
    return metric["Namespace"], metric["MetricName"], dimensions


def test_the_fallback_rate_alarm_reads_the_metric_the_code_writes() -> None:
    found = template()
    alarm = found["Resources"]["FallbackRateAlarm"]["Properties"]
    queries = {query["Id"]: query for query in alarm["Metrics"]}
    function = {"Ref": "SkillFunction"}
    assert metric_stat(queries["fallbacks"]) == (
        metrics.NAMESPACE,
        metrics.METRIC,
        {metrics.FUNCTION: function, metrics.KIND: metrics.FALLBACK},
    )
    total = (metrics.NAMESPACE, metrics.METRIC, {metrics.FUNCTION: function})
    assert metric_stat(queries["answers"]) == total
    for summed in ("fallbacks", "answers"):
        assert queries[summed]["MetricStat"]["Stat"] == "Sum" and queries[summed]["ReturnData"] is False
        assert queries[summed]["MetricStat"]["Period"] == 3600
    # A percentage of an hour's answers, and only once there are enough to mean something.
    [returned] = [query for query in alarm["Metrics"] if query.get("ReturnData", True)]
    assert returned["Expression"] == "IF(answers >= 20, 100 * FILL(fallbacks, 0) / answers, 0)"
    assert alarm["Threshold"] == {"Ref": "FallbackAlarmPercent"}
    assert alarm["ComparisonOperator"] == "GreaterThanThreshold"
    assert alarm["TreatMissingData"] == "notBreaching"  # no answers is not a fault
    parameter = found["Parameters"]["FallbackAlarmPercent"]
    assert parameter["Type"] == "Number" and 0 < parameter["Default"] <= 50


def dashboard() -> dict[str, Any]:
    """The dashboard's body as CloudWatch receives it, with the stack's values in place."""
    resources = template()["Resources"]
    body = resources["SkillDashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    values = {
        "AWS::Region": "eu-west-1",
        "SkillFunction": "skill-function",
        "FallbackAlarmPercent": "20",
    }
    names = set(re.findall(r"\$\{([^}]+)\}", body))
    for name in names:
        resource, _, attribute = name.partition(".")
        assert name in values or (attribute == "Arn" and resource in resources), name
    text = re.sub(r"\$\{([^}]+)\}", lambda m: values.get(m.group(1), "arn:" + m.group(1)), body)
    found: dict[str, Any] = json.loads(text)
    return found


def test_the_dashboard_shows_answers_by_kind_the_fallback_rate_and_the_safety_answers() -> None:
    widgets = {widget["properties"]["title"]: widget for widget in dashboard()["widgets"]}
    [[by_kind]] = widgets["Answers by kind (per hour)"]["properties"]["metrics"]
    search = f'{{{metrics.NAMESPACE},{metrics.FUNCTION},{metrics.KIND}}} MetricName="{metrics.METRIC}"'
    assert search in by_kind["expression"] and 'FunctionName="skill-function"' in by_kind["expression"]
    rate = widgets["Fallback rate (% of answers, per hour)"]["properties"]
    assert rate["annotations"]["horizontal"][0]["value"] == 20
    expressions = [m[0]["expression"] for m in rate["metrics"] if isinstance(m[0], dict)]
    alarm = template()["Resources"]["FallbackRateAlarm"]["Properties"]
    assert expressions == [q["Expression"] for q in alarm["Metrics"] if "Expression" in q]
    safety = widgets["Safety answers (per hour)"]["properties"]["metrics"]
    assert safety[0][:4] == [metrics.NAMESPACE, metrics.METRIC, metrics.FUNCTION, "skill-function"]
    shown = [safety[0][5], *(row[1] for row in safety[1:])]
    assert shown == [*metrics.SAFETY, "medicine_dose"]
    kinds = metrics.kinds(builder.request_handlers(knowledge.load()), knowledge.load().topics)
    assert set(shown) <= kinds and metrics.FALLBACK in kinds
    alarms = widgets["Alarms"]["properties"]["alarms"]
    assert alarms == ["arn:FallbackRateAlarm.Arn", "arn:ErrorsAlarm.Arn", "arn:ThrottlesAlarm.Arn"]
    assert template()["Outputs"]["Dashboard"]["Value"] == {"Ref": "SkillDashboard"}


# --- The ASK CLI project ------------------------------------------------------------------


def test_the_skill_package_is_generated_from_interaction_models() -> None:
    """`make skill-package` (and `make model`) has been run."""
    assert skill_package.stale() == [], "skill-package/ is stale: run `make skill-package`"


def test_a_stale_skill_package_is_found(tmp_path: Path) -> None:
    package = tmp_path / "skill-package"
    skill_package.write(package)
    assert skill_package.stale(package) == []
    (package / "skill.json").write_text("{}")
    (package / "interactionModels" / "custom" / "en-US.json").write_text("{}")
    assert skill_package.stale(package) == ["interactionModels/custom/en-US.json", "skill.json"]


def test_ask_resources_deploy_the_package_and_the_built_function() -> None:
    profile = ask_resources()
    assert (ROOT / profile["skillMetadata"]["src"]).resolve() == skill_package.PACKAGE
    # The code folder is the zip's contents, unzipped by `make lambda`.
    assert profile["code"]["default"]["src"] == "./build/lambda"
    assert "--directory build/lambda" in (ROOT / "Makefile").read_text()
    config = profile["skillInfrastructure"]["userConfig"]
    assert profile["skillInfrastructure"]["type"] == "@ask-cli/lambda-deployer"
    assert config["handler"] == function()["Handler"]
    assert config["runtime"] == function()["Runtime"]
    # Alexa's European endpoint serves en-GB: the function sits beside it.
    assert config["awsRegion"] == "eu-west-1"


# --- The manifest against the code ----------------------------------------------------------


def test_the_manifest_endpoint_is_left_to_the_deployer() -> None:
    """The ASK CLI's lambda deployer (or, with SAM, the console) sets the endpoint: a
    hard-coded ARN or URL here would point every deployment at one function."""
    custom = manifest()["apis"]["custom"]
    assert "endpoint" not in custom
    uses_screens = "Alexa.Presentation.APL" in PRODUCTION_SOURCE and "RenderDocument" in PRODUCTION_SOURCE
    declared = {interface.get("type") for interface in custom.get("interfaces", [])}
    assert ("ALEXA_PRESENTATION_APL" in declared) == uses_screens


def test_the_manifest_asks_only_for_the_permission_the_code_uses() -> None:
    """Reminders are the one permission (the code asks for it by voice and sends its
    consent card); nothing else, and no account linking."""
    body = manifest()
    assert body.get("permissions") == [{"name": reminders_api.SCOPE}]
    assert reminders_api.SCOPE in PRODUCTION_SOURCE and "AskForPermissionsConsentCard" in PRODUCTION_SOURCE
    assert "accountLinking" not in body and "accountLinking" not in json.dumps(body)
    assert "LinkAccountCard" not in PRODUCTION_SOURCE


def test_the_manifest_subscribes_to_skill_disabled_so_that_disabling_deletes_the_record() -> None:
    """Without the subscription Alexa never sends the event, and disabling deletes nothing."""
    source = json.loads((ROOT / "interaction_models" / "skill.json").read_text())["manifest"]
    for body in (source, manifest()):
        names = [s["eventName"] for s in body["events"]["subscriptions"]]
        assert names == ["SKILL_DISABLED"]
        # The events endpoint differs per deployment, as the skill's own does.
        assert "endpoint" not in body["events"]
    # The ASK CLI's Lambda deployer points the events at the function it makes.
    events = ask_resources()["skillInfrastructure"]["userConfig"]["skillEvents"]
    assert events == {"subscriptions": ["SKILL_DISABLED"]}


def test_a_deployments_events_endpoint_goes_into_the_package_and_is_not_staleness(tmp_path: Path) -> None:
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:skill"
    package = tmp_path / "skill-package"
    skill_package.write(package, events_endpoint=arn)
    written = json.loads((package / "skill.json").read_text())["manifest"]["events"]
    assert written == {"subscriptions": [{"eventName": "SKILL_DISABLED"}], "endpoint": {"uri": arn}}
    assert skill_package.stale(package) == []


def test_the_template_takes_the_preferences_key_as_a_hidden_parameter() -> None:
    parameter = template()["Parameters"]["PreferencesKey"]
    assert parameter["NoEcho"] is True and parameter["Type"] == "String"
    assert parameter["MinLength"] >= preferences.MIN_KEY_CHARS and "Default" not in parameter
    assert function()["Environment"]["Variables"]["PREFERENCES_KEY"] == {"Ref": "PreferencesKey"}


def test_the_manifest_subscribes_only_to_events_the_code_handles() -> None:
    subscriptions = [s["eventName"] for s in manifest().get("events", {}).get("subscriptions", [])]
    handled = {"SKILL_DISABLED": "AlexaSkillEvent.SkillDisabled"}
    for name in subscriptions:
        assert name in handled and handled[name] in PRODUCTION_SOURCE


def test_the_privacy_answers_match_what_is_stored() -> None:
    privacy = manifest()["privacyAndCompliance"]
    # What is stored is a speaking rate and a flag, under a hash of Alexa's per-skill
    # user id: no name, contact details, location or anything the user said.
    assert list(preferences.Preferences._fields) == [
        "rate",
        "disclaimer_heard",
    ]
    columns = re.findall(r"^\s+(\w+) (?:TEXT|INTEGER)", SCHEMA, flags=re.MULTILINE)
    assert columns == ["user_key", "rate", "disclaimer_heard", "expires_at"]
    assert privacy["usesPersonalInfo"] is False
    assert privacy["allowsPurchases"] is False and "InSkillProduct" not in PRODUCTION_SOURCE
    assert privacy["containsAds"] is False
    assert privacy["isChildDirected"] is False
    description = manifest()["publishingInformation"]["locales"]["en-GB"]["description"]
    assert "speaking speed" in description and "forget me" in description
    assert "ForgetMeIntent" in builder.handled_intents(builder.request_handlers(knowledge.load()))


def test_the_owner_only_fields_are_listed_not_failed() -> None:
    to_do = check.owner_to_do()
    wanted = ("privacyPolicyUrl", "termsOfUseUrl", "smallIconUri", "largeIconUri")
    for line in to_do:
        assert line.endswith(")") and "missing" in line
    assert {name for name in wanted if any(name in line for line in to_do)} <= set(wanted)
    filled = json.loads((ROOT / "interaction_models" / "skill.json").read_text())
    filled["manifest"]["privacyAndCompliance"]["locales"] = {
        "en-GB": {
            "privacyPolicyUrl": "https://example.org/privacy",
            "termsOfUseUrl": "https://example.org/terms",
        }
    }
    filled["manifest"]["publishingInformation"]["locales"]["en-GB"].update(
        smallIconUri="file://assets/small.png", largeIconUri="file://assets/large.png"
    )
    assert check.owner_to_do(filled) == []
    bare = json.loads((ROOT / "interaction_models" / "skill.json").read_text())
    bare["manifest"]["privacyAndCompliance"].pop("locales", None)
    for key in ("smallIconUri", "largeIconUri"):
        bare["manifest"]["publishingInformation"]["locales"]["en-GB"].pop(key, None)
    assert [line.split(":")[0] for line in check.owner_to_do(bare)] == [
        "privacyAndCompliance.locales.en-GB.privacyPolicyUrl",
        "privacyAndCompliance.locales.en-GB.termsOfUseUrl",
        "publishingInformation.locales.en-GB.smallIconUri",
        "publishingInformation.locales.en-GB.largeIconUri",
    ]


def test_check_lists_the_owner_fields_without_failing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skill", "check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    if check.owner_to_do():
        assert "only the skill's owner can supply these" in result.stdout
        assert "privacyPolicyUrl: missing" in result.stdout


@pytest.mark.parametrize("path", ["template.yaml", "ask-resources.json", "skill-package/skill.json"])
def test_deployment_files_name_no_account_or_real_skill(path: str) -> None:
    text = (ROOT / path).read_text()
    assert not re.search(r"\b\d{12}\b", text)  # no AWS account number
    assert not re.search(r"amzn1\.ask\.skill\.[0-9a-f]{8}-", text)  # no real skill id
