// Integration stories wait on a real kube-apiserver and child processes; jest's testTimeout is a global
// option (ignored inside a project), so the integration project raises it here.
import { jest } from '@jest/globals';

jest.setTimeout(180_000);
