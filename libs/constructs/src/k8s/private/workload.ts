import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { PLATFORM_PLACEMENT } from '../compute/platform-pool';

export interface HttpWorkloadProps {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly image: string;
  readonly command?: string[];
  /** Arguments to the image's entrypoint. */
  readonly args?: string[];
  readonly port: number;
  /** Readiness probe path. */
  readonly readinessPath: string;
  /** Liveness probe path. @default readinessPath */
  readonly livenessPath?: string;
  readonly env: k8s.EnvVar[];
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
  readonly replicas: number;
  /** Keep at least this many pods through voluntary disruptions (node consolidation, upgrades). @default no PDB */
  readonly minAvailable?: number;
  /** Run the pod as this non-root user and group. @default the image's user */
  readonly runAsNonRoot?: { readonly user: number; readonly group: number };
  /** Pod volumes, each mounted into the container at its `mountPath`. */
  readonly volumes?: readonly MountedVolume[];
}

/** A pod volume and where the container mounts it. */
export interface MountedVolume {
  readonly volume: k8s.Volume;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}

/** Container hardening shared by every workload we run (root images stay allowed: baseline, not restricted). */
export const CONTAINER_SECURITY: k8s.SecurityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name };
}

export function resources(props: Pick<HttpWorkloadProps, 'requests' | 'limits'>): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(props.requests.cpu), memory: k8s.Quantity.fromString(props.requests.memory) },
    limits: { cpu: k8s.Quantity.fromString(props.limits.cpu), memory: k8s.Quantity.fromString(props.limits.memory) },
  };
}

/** A Deployment on the platform nodes with probes and resources, its ClusterIP Service and (optionally) a PodDisruptionBudget. */
export function addHttpWorkload(scope: Construct, props: HttpWorkloadProps): void {
  const labels = selectorLabels(props.name);
  const probe = (path: string, initialDelaySeconds: number): k8s.Probe => ({
    httpGet: { path, port: k8s.IntOrString.fromString('http') },
    initialDelaySeconds,
    periodSeconds: 10,
    timeoutSeconds: 5,
    failureThreshold: 3,
  });
  new k8s.KubeDeployment(scope, `${props.name}-deployment`, {
    metadata: { name: props.name, namespace: props.namespace, labels },
    spec: {
      replicas: props.replicas,
      selector: { matchLabels: labels },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) },
      },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: props.serviceAccountName,
          ...PLATFORM_PLACEMENT,
          securityContext: {
            seccompProfile: { type: 'RuntimeDefault' },
            ...(props.runAsNonRoot ? { runAsNonRoot: true, runAsUser: props.runAsNonRoot.user, runAsGroup: props.runAsNonRoot.group } : {}),
          },
          // Replicas spread over the stage's zones when they can (a zone outage keeps one serving).
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: labels },
            },
          ],
          volumes: props.volumes?.map((v) => v.volume),
          containers: [
            {
              name: props.name,
              image: props.image,
              command: props.command,
              args: props.args,
              ports: [{ name: 'http', containerPort: props.port, protocol: 'TCP' }],
              env: props.env,
              resources: resources(props),
              readinessProbe: probe(props.readinessPath, 5),
              livenessProbe: probe(props.livenessPath ?? props.readinessPath, 30),
              securityContext: CONTAINER_SECURITY,
              volumeMounts: props.volumes?.map((v) => ({ name: v.volume.name, mountPath: v.mountPath, readOnly: v.readOnly })),
            },
          ],
        },
      },
    },
  });
  new k8s.KubeService(scope, `${props.name}-service`, {
    metadata: { name: props.name, namespace: props.namespace, labels },
    spec: {
      type: 'ClusterIP',
      selector: labels,
      ports: [{ name: 'http', port: props.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
    },
  });
  if (props.minAvailable !== undefined) {
    new k8s.KubePodDisruptionBudget(scope, `${props.name}-pdb`, {
      metadata: { name: props.name, namespace: props.namespace, labels },
      spec: { minAvailable: k8s.IntOrString.fromNumber(props.minAvailable), selector: { matchLabels: labels } },
    });
  }
}
