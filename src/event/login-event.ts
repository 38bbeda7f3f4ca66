import { type Static, Type } from '@sinclair/typebox';

/**
 * The login event contract (DESIGN §2): what an identity provider or application sends for
 * every login attempt. Validation happens once, at the edge (`validate-event.ts`); everything
 * downstream works on the normalised {@link LoginEvent}.
 */
export const LocationSchema = Type.Object(
  {
    country: Type.String({ pattern: '^[A-Za-z]{2}$', description: 'ISO 3166-1 alpha-2 country code' }),
    region: Type.Optional(Type.String({ maxLength: 256 })),
    city: Type.Optional(Type.String({ maxLength: 256 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  },
  { additionalProperties: true },
);

export const LoginEventSchema = Type.Object(
  {
    userId: Type.String({ minLength: 1, maxLength: 256 }),
    timestamp: Type.Union([Type.String({ maxLength: 64 }), Type.Number()], {
      description: 'RFC 3339 string or epoch milliseconds',
    }),
    success: Type.Boolean(),
    ip: Type.String({ minLength: 2, maxLength: 64, description: 'IPv4 or IPv6 address' }),
    userAgent: Type.Optional(Type.String({ maxLength: 2048 })),
    deviceId: Type.Optional(Type.String({ maxLength: 256 })),
    deviceType: Type.Optional(Type.String({ maxLength: 64 })),
    location: Type.Optional(LocationSchema),
    sessionDurationSec: Type.Optional(Type.Number({ minimum: 0 })),
    failedAttempts: Type.Optional(Type.Integer({ minimum: 0 })),
    behavioralScore: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    mfa: Type.Optional(Type.Union([Type.Literal('passed'), Type.Literal('failed')])),
    eventId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    email: Type.Optional(Type.String({ maxLength: 320 })),
    tenant: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: true },
);

/** The event as received, after schema validation. */
export type LoginEventInput = Static<typeof LoginEventSchema>;

export type EventLocation = Static<typeof LocationSchema>;

/** The normalised event every stage after validation works on. */
export interface LoginEvent {
  eventId: string;
  userId: string;
  /** Epoch milliseconds, from the event's own timestamp (never the wall clock). */
  timestampMs: number;
  success: boolean;
  /** Canonical textual form of the address (IPv4-mapped IPv6 becomes IPv4). */
  ip: string;
  userAgent?: string;
  deviceId?: string;
  deviceType?: string;
  location?: EventLocation;
  sessionDurationSec?: number;
  failedAttempts?: number;
  behavioralScore?: number;
  mfa?: 'passed' | 'failed';
  email?: string;
  tenant?: string;
  /** Unknown fields, kept as sent (e.g. the generator's `label` and `attackId`). */
  attributes: Record<string, unknown>;
}

/** The fields of the contract; anything else goes to `attributes`. */
export const KNOWN_EVENT_FIELDS: ReadonlySet<string> = new Set(Object.keys(LoginEventSchema.properties));
