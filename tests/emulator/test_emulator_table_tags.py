"""The emulator's DynamoDB adaptation: a table's tags come back in one page, as AWS answers them, so a
table with more than 10 tags (Club App's, with its Project tag) shows no drift on re-plan."""

from __future__ import annotations

import boto3

from hipaa_platform.emulator.server import running_emulator


def test_a_tables_twelve_tags_come_back_in_one_page() -> None:
    with running_emulator() as emulator:
        dynamodb = boto3.client("dynamodb", region_name="us-east-1", **emulator.boto_kwargs())
        tags = [{"Key": f"Tag{n:02}", "Value": str(n)} for n in range(12)]
        table = dynamodb.create_table(
            TableName="presence",
            KeySchema=[{"AttributeName": "venue_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "venue_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            Tags=tags,
        )["TableDescription"]
        answer = dynamodb.list_tags_of_resource(ResourceArn=table["TableArn"])
        assert answer["Tags"] == tags and "NextToken" not in answer
