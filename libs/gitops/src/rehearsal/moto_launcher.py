"""Starts moto's server for the deploy rehearsal, with CloudFormation gaps of moto 5 filled.

1. Custom resources are acknowledged: moto cannot run the Lambda behind one here, so one would
   never finish (DESIGN.md, "What real means"); the rehearsal records it as created instead.
2. Termination protection behaves as in CloudFormation: moto stores the flag but neither implements
   UpdateTerminationProtection nor refuses DeleteStack on a protected stack, so a teardown that
   forgot to lift the protection would pass unnoticed.
3. Two things the stage stacks use that moto's CloudFormation lacks: Fn::GetAtt of a hosted zone's
   NameServers (the Dns stack's delegation and output; without it moto answers 500), and
   AWS::EC2::VPCCidrBlock (the Vpc stack's secondary pod CIDR; without it the pod subnets are out
   of the VPC's range). Both delegate to moto's own Route53 and EC2 backends.

Arguments are passed to moto_server unchanged (e.g. `-H localhost -p 5123`); MOTO_ACCOUNT_ID
selects the account it answers as.
"""
import sys

from moto.cloudformation import custom_model, responses
from moto.cloudformation.exceptions import ValidationError
from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult
from moto.ec2.models import ec2_backends
from moto.route53.models import FakeZone
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


def _zone_attribute(zone, name):
    if name == "NameServers":
        return list(zone.delegation_set.name_servers) if zone.delegation_set else []
    if name == "Id":
        return zone.id
    raise NotImplementedError(f'"Fn::GetAtt" : [ "{{0}}" , "{name}" ]')


class VpcCidrBlock(CloudFormationModel):
    """AWS::EC2::VPCCidrBlock: associates a secondary CIDR with a VPC."""

    __module__ = "moto.ec2.rehearsal"  # moto's model registry reads the service from the module name

    def __init__(self, association_id):
        self.association_id = association_id

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "AWS::EC2::VPCCidrBlock"

    @classmethod
    def has_cfn_attr(cls, attr):
        return False

    @property
    def physical_resource_id(self):
        return self.association_id

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json["Properties"]
        backend = ec2_backends[account_id][region_name]
        association = backend.associate_vpc_cidr_block(props["VpcId"], props.get("CidrBlock"), bool(props.get("AmazonProvidedIpv6CidrBlock")))
        return cls(association["association_id"])

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        try:
            ec2_backends[account_id][region_name].disassociate_vpc_cidr_block(resource_name)
        except Exception:  # the VPC is already gone
            pass

    def is_created(self):
        return True


custom_model.CustomModel.create_from_cloudformation_json = classmethod(_acknowledged)
FakeZone.has_cfn_attr = classmethod(lambda cls, attr: attr in ("Id", "NameServers"))
FakeZone.get_cfn_attribute = _zone_attribute
responses.CloudFormationResponse.update_termination_protection = _update_termination_protection
responses.CloudFormationResponse.delete_stack = _protected_delete_stack

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
