"""Starts moto's server for the deploy rehearsal, with CloudFormation gaps of moto 5 filled.

1. Custom resources are acknowledged: moto cannot run the Lambda behind one here, so one would
   never finish; the rehearsal records it as created instead (docs/delivery.md, the rehearsal on moto).
2. Termination protection behaves as in CloudFormation: moto stores the flag but neither implements
   UpdateTerminationProtection nor refuses DeleteStack on a protected stack, so a teardown that
   forgot to lift the protection would pass unnoticed.
3. Two things the stage stacks use that moto's CloudFormation lacks: Fn::GetAtt of a hosted zone's
   NameServers (the Dns stack's delegation and output; without it moto answers 500), and
   AWS::EC2::VPCCidrBlock (the Vpc stack's secondary pod CIDR; without it the pod subnets are out
   of the VPC's range). Both delegate to moto's own Route53 and EC2 backends.
4. Resource types moto does not model (Cognito, EKS, Secrets Manager, ...) are recorded as created,
   as moto does, but with a physical id and Fn::GetAtt values (derived from the logical id), so
   stacks that reference them and their outputs resolve; a `...SecurityGroupId` attribute (the EKS
   cluster's) is a real security group in moto's EC2 backend, since other resources reference it;
   an EKS cluster's Endpoint and CertificateAuthorityData are shaped like the real ones (https URL,
   base64 PEM), since the Eks stack outputs them for the discovery document.
   The rehearsal checks delivery (order, exports, outputs, retention), not what these resources do.
5. An Aurora instance without EngineVersion (it inherits the cluster's) made moto fail with a
   KeyError: moto's default engine versions get the Aurora engines.
6. An SSM parameter without Name gets the generated name, as CloudFormation does (moto passed None).
7. Deleting a stack's VPC: CloudFormation deletes the stack's NAT gateways, endpoints, route tables,
   subnets, security groups and gateway attachments before the VPC; moto deletes in no particular
   order, has no deletion for some of them and then refuses the VPC (DependencyViolation) and loses
   the stack. Here the VPC's dependents are removed first, as CloudFormation's order would, and a
   resource already gone counts as deleted (CloudFormation's behaviour).
8. AWS::RDS::DBCluster (Aurora; moto's CloudFormation lacks it) is created in moto's RDS backend, so
   the teardown's --purge-retained runs against a real emulated cluster (deletion protection,
   members, final snapshot).
9. A CommaDelimitedList parameter reads back as the comma-joined string, as in CloudFormation (moto
   answered the Python list's repr), so a second `mfctl bootstrap` with the same execution policies
   is the no-op it is on AWS.
10. An inline security group ingress rule for all traffic (IpProtocol -1) needs no FromPort/ToPort
   in CloudFormation (the NAT instances' rules from the VPC and pod CIDRs); moto's
   AWS::EC2::SecurityGroup read both and failed with a KeyError, which moto then reported as
   "Fn::GetAtt references undefined resource". Such a rule gets -1 for both, as EC2 stores it.
11. A block device mapping of an instance's root device without VolumeSize (the NAT instances set
   only encryption and the volume type) takes the size of the image's snapshot on EC2; moto has no
   snapshot behind its images and refused it (MissingParameter size/snapshot). It gets the 8 GiB
   moto gives every image's root volume.

Arguments are passed to moto_server unchanged (e.g. `-H localhost -p 5123`); MOTO_ACCOUNT_ID
selects the account it answers as.
"""
import base64
import hashlib
import sys

from moto.cloudformation import custom_model, parsing, responses
from moto.cloudformation.models import Stack
from moto.cloudformation.exceptions import ValidationError
from moto.core.common_models import CloudFormationModel
from moto.core.responses import ActionResult
from moto.ec2.models import ec2_backends
from moto.ec2.models.instances import Instance
from moto.ec2.models.security_groups import SecurityGroup
from moto.ec2.models.vpcs import VPC
from moto.rds.models import DBInstance, rds_backends
from moto.route53.models import FakeZone
from moto.ssm.models import Parameter
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
        association = backend.associate_vpc_cidr_block(
            props["VpcId"], props.get("CidrBlock"), bool(props.get("AmazonProvidedIpv6CidrBlock"))
        )
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


def _eks_endpoint(resource):
    digest = hashlib.sha256(f"{resource.account_id}/{resource.region_name}/{resource.resource_name}".encode()).hexdigest().upper()[:32]
    return f"https://{digest}.gr7.{resource.region_name}.eks.amazonaws.com"


def _eks_certificate_authority_data(resource):
    # Shaped like the real attribute (base64 of a PEM certificate), so consumers that check it
    # (the discovery document read by metaflow-login) accept the rehearsal's outputs.
    body = base64.b64encode(f"rehearsal stand-in CA of {resource.resource_name}".encode()).decode()
    return base64.b64encode(f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n".encode()).decode()


# Fn::GetAtt of an EKS cluster stand-in, shaped like the real values (the Eks stack outputs them).
EKS_CLUSTER_ATTRIBUTES = {
    "Endpoint": _eks_endpoint,
    "CertificateAuthorityData": _eks_certificate_authority_data,
}


class Unmodeled(CloudFormationModel):
    """Stand-in for a resource type moto's CloudFormation does not model."""

    __module__ = "moto.cloudformation.rehearsal"

    def __init__(self, resource_type, logical_id, resource_name, account_id, region_name):
        self.resource_type = resource_type
        self.logical_id = logical_id
        self.resource_name = resource_name
        self.account_id = account_id
        self.region_name = region_name
        self.security_groups = {}

    @staticmethod
    def cloudformation_name_type():
        return ""

    @staticmethod
    def cloudformation_type():
        return "Rehearsal::Unmodeled"

    @classmethod
    def has_cfn_attr(cls, attr):
        return True

    @property
    def physical_resource_id(self):
        return self.resource_name

    def get_cfn_attribute(self, attribute_name):
        if attribute_name.endswith("SecurityGroupId"):
            if attribute_name not in self.security_groups:
                backend = ec2_backends[self.account_id][self.region_name]
                group = backend.create_security_group(
                    f"{self.resource_name}-{attribute_name}", f"stand-in for {self.logical_id}.{attribute_name}"
                )
                self.security_groups[attribute_name] = group.id
            return self.security_groups[attribute_name]
        if self.resource_type == "AWS::EKS::Cluster" and attribute_name in EKS_CLUSTER_ATTRIBUTES:
            return EKS_CLUSTER_ATTRIBUTES[attribute_name](self)
        if attribute_name.endswith("Arn") or attribute_name == "Arn":
            service = self.resource_type.split("::")[1].lower()
            return f"arn:aws:{service}:{self.region_name}:{self.account_id}:{self.logical_id.lower()}/{self.resource_name}"
        return f"{self.resource_name}-{attribute_name.lower().replace('.', '-')}"

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        return cls(kwargs["ResourceType"], kwargs["LogicalId"], resource_name, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        backend = ec2_backends[account_id][region_name]
        for group in list(backend.describe_security_groups(filters={"group-name": [f"{resource_name}-*"]})):
            backend.delete_security_group(group_id=group.id)

    def is_created(self):
        return True


class AuroraCluster(CloudFormationModel):
    """AWS::RDS::DBCluster backed by moto's RDS cluster."""

    __module__ = "moto.rds.rehearsal"

    def __init__(self, cluster):
        self.cluster = cluster

    @staticmethod
    def cloudformation_name_type():
        return "DBClusterIdentifier"

    @staticmethod
    def cloudformation_type():
        return "AWS::RDS::DBCluster"

    @classmethod
    def has_cfn_attr(cls, attr):
        return True

    @property
    def physical_resource_id(self):
        return self.cluster.db_cluster_identifier

    def get_cfn_attribute(self, attribute_name):
        values = {
            "Endpoint.Address": self.cluster.endpoint,
            "Endpoint.Port": str(self.cluster.port),
            "ReadEndpoint.Address": self.cluster.reader_endpoint,
            "DBClusterArn": self.cluster.db_cluster_arn,
            "DBClusterResourceId": self.cluster.db_cluster_identifier,
        }
        return values.get(attribute_name, f"{self.cluster.db_cluster_identifier}-{attribute_name.lower()}")

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json["Properties"]
        cluster = rds_backends[account_id][region_name].create_db_cluster({
            "db_cluster_identifier": resource_name.lower(),
            "engine": props.get("Engine", "aurora-postgresql"),
            "engine_version": props.get("EngineVersion"),
            "database_name": props.get("DatabaseName"),
            "master_username": props.get("MasterUsername", "postgres"),
            "master_user_password": "rehearsal-password",
            "deletion_protection": props.get("DeletionProtection") in (True, "true"),
            "port": int(props["Port"]) if props.get("Port") else None,
            "storage_encrypted": props.get("StorageEncrypted") in (True, "true"),
        })
        return cls(cluster)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name):
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        rds_backends[account_id][region_name].delete_db_cluster(cluster_identifier=resource_name)

    def is_created(self):
        return True


_resource_class_from_type = parsing.resource_class_from_type


def _resource_class_or_stand_in(resource_type):
    cls = _resource_class_from_type(resource_type)
    if cls is None and resource_type not in parsing.NULL_MODELS:
        return Unmodeled
    return cls


_create_parameter = Parameter.create_from_cloudformation_json.__func__


def _named_parameter(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    cloudformation_json["Properties"].setdefault("Name", resource_name)
    return _create_parameter(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


_delete_vpc = VPC.delete_from_cloudformation_json.__func__


def _attempt(action, *args):
    try:
        action(*args)
    except Exception:  # already gone, or moto does not track it
        pass


def _delete_vpc_last(cls, resource_name, cloudformation_json, account_id, region_name):
    ec2 = ec2_backends[account_id][region_name]
    vpc = {"vpc-id": [resource_name]}
    for nat in ec2.describe_nat_gateways(vpc, None):
        _attempt(ec2.delete_nat_gateway, nat.id)
    _attempt(ec2.delete_vpc_endpoints, [e.id for e in ec2.describe_vpc_endpoints(None, vpc)])
    for table in ec2.describe_route_tables(filters=vpc):
        for association_id in list(table._associations):
            _attempt(ec2.disassociate_route_table, association_id)
        if table.main_association_id is None:
            _attempt(ec2.delete_route_table, table.id)
    for eni in ec2.describe_network_interfaces():
        if getattr(eni.subnet, "vpc_id", None) == resource_name:
            _attempt(ec2.delete_network_interface, eni.id)
    for subnet in ec2.describe_subnets(filters=vpc):
        _attempt(ec2.delete_subnet, subnet.id)
    for group in ec2.describe_security_groups(filters=vpc):
        if group.name != "default":
            _attempt(ec2.delete_security_group, None, group.id)
    for igw in ec2.describe_internet_gateways(filters={"attachment.vpc-id": [resource_name]}):
        _attempt(ec2.detach_internet_gateway, igw.id, resource_name)
    _delete_vpc(cls, resource_name, cloudformation_json, account_id, region_name)


_create_security_group = SecurityGroup.create_from_cloudformation_json


def _security_group_all_traffic_ports(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
    properties = cloudformation_json.get("Properties", {})
    rules = [
        {"FromPort": -1, "ToPort": -1, **rule} if str(rule.get("IpProtocol")) == "-1" else rule
        for rule in properties.get("SecurityGroupIngress", [])
    ]
    json_with_ports = {**cloudformation_json, "Properties": {**properties, "SecurityGroupIngress": rules}}
    return _create_security_group(resource_name, json_with_ports, account_id, region_name, **kwargs)


_add_block_device = Instance.add_block_device

# The size moto gives an image's root volume (Instance.setup_defaults).
_IMAGE_ROOT_GIB = 8


def _add_block_device_of_image_size(self, size, device_path, snapshot_id, *args, **kwargs):
    if size is None and snapshot_id is None:
        size = _IMAGE_ROOT_GIB
    return _add_block_device(self, size, device_path, snapshot_id, *args, **kwargs)


_delete_resource = parsing.ResourceMap._delete_resource


def _delete_resource_if_present(self, parsed_resource, resource_json):
    try:
        _delete_resource(self, parsed_resource, resource_json)
    except Exception as err:
        code = getattr(err, "code", "") or getattr(err, "error_type", "") or ""
        if "NotFound" not in str(code) and "NotFound" not in type(err).__name__:
            raise


_parameter_list = Stack.parameter_list


def _joined_parameter_list(self):
    return [
        {**p, "ParameterValue": ",".join(p["ParameterValue"]) if isinstance(p["ParameterValue"], list) else p["ParameterValue"]}
        for p in _parameter_list.fget(self)
    ]


custom_model.CustomModel.create_from_cloudformation_json = classmethod(_acknowledged)
Stack.parameter_list = property(_joined_parameter_list)
parsing.ResourceMap._delete_resource = _delete_resource_if_present
VPC.delete_from_cloudformation_json = classmethod(_delete_vpc_last)
SecurityGroup.create_from_cloudformation_json = classmethod(_security_group_all_traffic_ports)
Instance.add_block_device = _add_block_device_of_image_size
Parameter.create_from_cloudformation_json = classmethod(_named_parameter)
DBInstance.default_engine_versions.setdefault("aurora-postgresql", "16.6")
DBInstance.default_engine_versions.setdefault("aurora-mysql", "8.0.mysql_aurora.3.08.0")
parsing.resource_class_from_type = _resource_class_or_stand_in
FakeZone.has_cfn_attr = classmethod(lambda cls, attr: attr in ("Id", "NameServers"))
FakeZone.get_cfn_attribute = _zone_attribute
responses.CloudFormationResponse.update_termination_protection = _update_termination_protection
responses.CloudFormationResponse.delete_stack = _protected_delete_stack

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
