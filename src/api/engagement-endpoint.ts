import { z } from 'zod';
import { withCelRule } from './cel-rule.js';
import { durationField } from './duration.js';
import { httpUrlField } from './http-url.js';
import { secretReferenceSchema } from './secret-reference.js';

const targetEndpointMessage =
  'engagement.targetEndpoint must be a path starting with "/", at most 512 characters';

/** Forward proxy between the operator and the engagement platform. */
export const forwardProxySchema = z
  .object({
    url: httpUrlField({
      field: 'engagement.forwardProxy.url',
      description: 'URL of the forward (CONNECT) proxy, e.g. http://proxy.corp:3128.',
      isHttpsRequired: false,
    }),
    credentialsSecretRef: secretReferenceSchema(
      'engagement.forwardProxy.credentialsSecretRef',
      'Secret with keys `username` and `password` for proxy basic authentication. No authentication when absent.',
    ).optional(),
  })
  .meta({
    description: 'Forward proxy for every request to the engagement platform (authentication included).',
  });

/** Forward proxy settings. */
export type ForwardProxy = z.infer<typeof forwardProxySchema>;

/** Where and how a PacingCluster publishes its allowances (the vendor's `hybrid_integration` settings). */
export const engagementEndpointSchema = z
  .object({
    baseAuthURL: httpUrlField({
      field: 'engagement.baseAuthURL',
      description:
        'OAuth2 token URL for the client-credentials grant, e.g. https://login.example.com/oauth/token. https unless the host is loopback.',
      isHttpsRequired: true,
    }),
    baseServiceURL: httpUrlField({
      field: 'engagement.baseServiceURL',
      description:
        'Base URL of the engagement service, e.g. https://api.example.com; targetEndpoint is appended. https unless the host is loopback.',
      isHttpsRequired: true,
    }),
    targetEndpoint: withCelRule(
      z
        .string()
        .min(1, { message: targetEndpointMessage })
        .max(512, { message: targetEndpointMessage })
        .meta({
          description: 'Path appended to baseServiceURL for the allowance exchange, e.g. /v1/pacing.',
        }),
      { rule: "self.startsWith('/')", message: targetEndpointMessage },
      (value) => value.startsWith('/'),
    ),
    credentialsSecretRef: secretReferenceSchema(
      'engagement.credentialsSecretRef',
      'Secret with keys `client_id` and `client_secret` for the OAuth2 client-credentials grant.',
    ),
    clusterId: z
      .string()
      .min(1, { message: 'engagement.clusterId must not be empty' })
      .max(253, { message: 'engagement.clusterId must be at most 253 characters' })
      .optional()
      .meta({
        description:
          'Id of this cluster on the engagement platform. Defaults to namespace/name of the PacingCluster.',
      }),
    timeout: durationField({
      field: 'engagement.timeout',
      min: '100ms',
      max: '1m',
      description: 'Longest wait for one token or allowance request.',
    }).default('5s'),
    forwardProxy: forwardProxySchema.optional(),
  })
  .meta({ description: 'Engagement platform endpoint that receives the allowances every refresh period.' });

/** Engagement endpoint settings, defaults applied. */
export type EngagementEndpoint = z.infer<typeof engagementEndpointSchema>;
