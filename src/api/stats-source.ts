import { z } from 'zod';
import { durationField } from './duration.js';
import { httpUrlField } from './http-url.js';
import { secretKeyReferenceSchema } from './secret-reference.js';

/** Where a PacingCluster reads its agent and virtual-queue statistics (the reference statistics protocol). */
export const statsSourceSchema = z
  .object({
    url: httpUrlField({
      field: 'statsSource.url',
      description:
        'Base URL of the statistics source; the snapshot is read from {url}/v1/snapshot. http is allowed: the source usually sits in the same network.',
      isHttpsRequired: false,
    }),
    timeout: durationField({
      field: 'statsSource.timeout',
      min: '100ms',
      max: '1m',
      description: 'Longest wait for one snapshot request.',
    }).default('2s'),
    staleAfter: durationField({
      field: 'statsSource.staleAfter',
      min: '1s',
      max: '10m',
      description:
        'A snapshot older than this (by its snapshotTime) is stale, and every target of the cluster gets 0 invitations.',
    }).default('15s'),
    caSecretRef: secretKeyReferenceSchema(
      'statsSource.caSecretRef',
      'ca.crt',
      'Secret key holding the PEM CA bundle that signs the source certificate (https only). The system CAs are used when absent.',
    ).optional(),
    bearerTokenSecretRef: secretKeyReferenceSchema(
      'statsSource.bearerTokenSecretRef',
      'token',
      'Secret key holding a bearer token sent with each snapshot request. No Authorization header when absent.',
    ).optional(),
  })
  .meta({ description: 'Statistics source connection: agents, their free slots and the virtual queues.' });

/** Statistics source settings of a PacingCluster, defaults applied. */
export type StatsSource = z.infer<typeof statsSourceSchema>;
