"""Starts moto's server for the deploy rehearsal, with two CloudFormation gaps of moto 5 filled.

1. Custom resources are acknowledged: moto cannot run the Lambda behind one here, so one would
   never finish (DESIGN.md, "What real means"); the rehearsal records it as created instead.
2. Termination protection behaves as in CloudFormation: moto stores the flag but neither implements
   UpdateTerminationProtection nor refuses DeleteStack on a protected stack, so a teardown that
   forgot to lift the protection would pass unnoticed.

Arguments are passed to moto_server unchanged (e.g. `-H localhost -p 5123`); MOTO_ACCOUNT_ID
selects the account it answers as.
"""
import sys

from moto.cloudformation import custom_model, responses
from moto.cloudformation.exceptions import ValidationError
from moto.core.responses import ActionResult
from moto.server import main


def _acknowledged(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    resource = cls(region_name, "rehearsal", kwargs["LogicalId"], resource_name)
    resource.set_data({})
    return resource


def _update_termination_protection(self):
    stack = self.cloudformation_backend.get_stack(self._get_param("StackName"))
    stack.enable_termination_protection = self._get_param("EnableTerminationProtection") in (True, "true")
    return ActionResult({"StackId": stack.stack_id})


_delete_stack = responses.CloudFormationResponse.delete_stack


def _protected_delete_stack(self):
    name = self._get_param("StackName")
    stack = self.cloudformation_backend.stacks.get(name) or next(
        (s for s in self.cloudformation_backend.stacks.values() if s.name == name), None
    )
    if stack is not None and stack.enable_termination_protection:
        raise ValidationError(message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled")
    return _delete_stack(self)


custom_model.CustomModel.create_from_cloudformation_json = classmethod(_acknowledged)
responses.CloudFormationResponse.update_termination_protection = _update_termination_protection
responses.CloudFormationResponse.delete_stack = _protected_delete_stack

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
