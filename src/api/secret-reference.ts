import { z } from 'zod';

/** Pattern of a Kubernetes object name (DNS subdomain, RFC 1123). */
export const dnsSubdomainPattern = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';

/** Pattern of a key in a Secret's data. */
export const secretKeyPattern = '^[-._a-zA-Z0-9]+$';

/** A Kubernetes object name field (1–253 characters, lower-case DNS subdomain), documented with `description`. */
export function objectNameField(field: string, description: string): z.ZodString {
  const message = `${field} must be a lower-case DNS subdomain name (a-z, 0-9, "-", "."), at most 253 characters`;
  return z
    .string()
    .min(1, { message })
    .max(253, { message })
    .regex(new RegExp(dnsSubdomainPattern), { message })
    .meta({ description });
}

/** A reference to a Secret in the same namespace as the referring object. */
export function secretReferenceSchema(field: string, description: string) {
  return z
    .object({
      name: objectNameField(`${field}.name`, 'Name of the Secret, in the namespace of this object.'),
    })
    .meta({ description });
}

/** A reference to one key of a Secret in the same namespace, with the key's default. */
export function secretKeyReferenceSchema(field: string, defaultKey: string, description: string) {
  const keyMessage = `${field}.key must be a Secret data key (letters, digits, "-", "_", ".")`;
  return z
    .object({
      name: objectNameField(`${field}.name`, 'Name of the Secret, in the namespace of this object.'),
      key: z
        .string()
        .min(1, { message: keyMessage })
        .max(253, { message: keyMessage })
        .regex(new RegExp(secretKeyPattern), { message: keyMessage })
        .meta({ description: `Key in the Secret's data. Defaults to "${defaultKey}".` })
        .default(defaultKey),
    })
    .meta({ description });
}
