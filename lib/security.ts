import * as kplus from 'cdk8s-plus-28';

/**
 * The container security context of the Pod Security Standards' `restricted` profile: a fixed
 * non-root user, read-only root filesystem, no privilege escalation, no capabilities, and the
 * runtime's default seccomp profile.
 */
export function restrictedContainerSecurityContext(uid: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: uid,
    group: uid,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: [kplus.Capability.ALL] },
    seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
  };
}
