"""An operator is told when the function starts failing: CloudWatch alarms on the
function's Errors and Throttles, telling an SNS topic only when one is given."""

from __future__ import annotations

from typing import Any

import pytest
from cfnlint.decode import decode

from tests.conftest import ROOT


def template() -> dict[str, Any]:
    # cfn-lint's decoder reads CloudFormation's tags (!Ref, !If...) as their long forms.
    decoded, problems = decode(str(ROOT / "template.yaml"))
    assert not problems
    return dict(decoded)


def alarms() -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template()["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_an_alarm_watches_the_functions_metric(metric: str) -> None:
    [alarm] = [alarm for alarm in alarms().values() if alarm.get("MetricName") == metric]
    assert alarm["Namespace"] == "AWS/Lambda"
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "SkillFunction"}}]
    # The first one in five minutes is enough: the skill answers its own errors kindly,
    # so any error Lambda counts is a real fault.
    assert alarm["Statistic"] == "Sum"
    assert alarm["Threshold"] == 1 and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert alarm["TreatMissingData"] == "notBreaching"  # a quiet night is healthy


def test_the_alarm_topic_is_optional_and_only_told_when_given() -> None:
    found = template()
    parameter = found["Parameters"]["AlarmTopicArn"]
    assert parameter["Type"] == "String" and parameter["Default"] == ""
    no_topic = {"Fn::Equals": [{"Ref": "AlarmTopicArn"}, ""]}
    assert found["Conditions"]["HasAlarmTopic"] == {"Fn::Not": [no_topic]}
    when_set = {"Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]}
    for alarm in alarms().values():
        assert alarm["AlarmActions"] == when_set
        assert alarm["OKActions"] == when_set


def test_the_operations_page_says_how_to_subscribe_and_where_the_logs_are() -> None:
    page = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for needed in ("AlarmTopicArn", "aws sns subscribe", "/aws/lambda/", "skill replay request.json --trace"):
        assert needed in page, needed
