/**
 * Pinned images of the Metaflow services. The metadata service, the migrations and the UI backend
 * run from ONE image tag: they are released together from https://github.com/Netflix/metaflow-service,
 * and mixing their versions breaks the UI.
 */
export const METAFLOW_SERVICE_IMAGE = 'public.ecr.aws/outerbounds/metaflow_metadata_service:v2.5.0';
/** nginx serving the static UI on port 3000. */
export const METAFLOW_UI_IMAGE = 'public.ecr.aws/outerbounds/metaflow_ui:v1.3.13';
/** Python of the service image (its Dockerfile installs the services into this virtualenv). */
export const SERVICE_PYTHON = '/opt/latest/bin/python3';
