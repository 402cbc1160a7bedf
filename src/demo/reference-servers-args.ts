/** Loopback ports of the three reference servers. */
export interface ReferenceServerPorts {
  readonly stats: number;
  readonly engagement: number;
  readonly auth: number;
}

/** The arguments after `node` that start `pacing-operator serve` on a scenario, at these ports. */
export function referenceServersArgs(
  cliPath: string,
  scenarioFile: string,
  ports: ReferenceServerPorts,
): string[] {
  return [
    cliPath,
    'serve',
    '--scenario',
    scenarioFile,
    '--stats-port',
    String(ports.stats),
    '--engagement-port',
    String(ports.engagement),
    '--auth-port',
    String(ports.auth),
  ];
}
