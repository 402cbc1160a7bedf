import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root, found from this file's location. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The script that starts, stops and restarts the local control plane. */
export const controlPlaneScript = path.join(repoRoot, 'deploy/local/control-plane.sh');
