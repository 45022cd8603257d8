/**
 * Typed props for the EKS Auto Mode NodeClass (`eks.amazonaws.com/v1`). No `@kubernetes-models/*`
 * package covers it (the karpenter package has the self-managed `karpenter.k8s.aws` EC2NodeClass,
 * a different kind), so this lists the fields we set, after the EKS Auto Mode NodeClass reference.
 */
export interface SelectorTerm {
  readonly id?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface NodeClassSpec {
  /** Name of the node IAM role (not its ARN). */
  readonly role: string;
  readonly subnetSelectorTerms: readonly SelectorTerm[];
  readonly securityGroupSelectorTerms: readonly SelectorTerm[];
  /** Pod subnets (custom networking in the secondary CIDR); set together with podSecurityGroupSelectorTerms. */
  readonly podSubnetSelectorTerms?: readonly SelectorTerm[];
  readonly podSecurityGroupSelectorTerms?: readonly SelectorTerm[];
  /** `DefaultAllow` lets NetworkPolicies decide; `DefaultDeny` denies unselected pods. */
  readonly networkPolicy?: 'DefaultAllow' | 'DefaultDeny';
  readonly snatPolicy?: 'Random' | 'Disabled';
  readonly ephemeralStorage?: { readonly size: string };
  readonly tags?: Readonly<Record<string, string>>;
}

export interface NodeClass {
  readonly apiVersion: 'eks.amazonaws.com/v1';
  readonly kind: 'NodeClass';
  readonly metadata: { readonly name: string };
  readonly spec: NodeClassSpec;
}
