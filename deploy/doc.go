// Package deploy holds Remit's deployment files: the container image
// (Dockerfile), a local stack (docker-compose.yml), Kubernetes manifests
// (k8s/), a Prometheus scrape job (prometheus/) and a Grafana dashboard
// (grafana/). No container engine or
// cluster runs in Remit's test environment, so deploy_test.go parses every
// file and checks what a deployment depends on: probes on the right paths
// and ports, metrics and readiness only on the ops port, resources, a non-root read-only container, and environment
// variable names that Remit actually reads.
package deploy
