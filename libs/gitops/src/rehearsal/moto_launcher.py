"""Starts moto's server for the deploy rehearsal with CloudFormation custom resources acknowledged.

moto cannot run the Lambda behind a custom resource here, so one would never finish (DESIGN.md,
"What real means"); the rehearsal records it as created instead.

Arguments are passed to moto_server unchanged (e.g. `-H localhost -p 5123`); MOTO_ACCOUNT_ID
selects the account it answers as.
"""
import sys

from moto.cloudformation import custom_model
from moto.server import main


def _acknowledged(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    resource = cls(region_name, "rehearsal", kwargs["LogicalId"], resource_name)
    resource.set_data({})
    return resource


custom_model.CustomModel.create_from_cloudformation_json = classmethod(_acknowledged)

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
