/**
 * Kubernetes 1.28 API bindings.
 *
 * These are the bindings `cdk8s import k8s@1.28.0` generates. cdk8s-plus-28 ships exactly that
 * generated module, and every cdk8s-plus construct we build on speaks it, so we re-export it rather
 * than keep a second, possibly diverging copy (and `cdk8s import` cannot download schemas offline).
 */
export * from 'cdk8s-plus-28/lib/imports/k8s';
