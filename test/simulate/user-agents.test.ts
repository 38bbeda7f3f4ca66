import { describe, expect, it } from 'vitest';
import { LocalCalendar } from '../../src/simulate/local-time.js';
import { deviceTypeOfUserAgent, userAgentAt } from '../../src/simulate/user-agents.js';

describe('userAgentAt', () => {
  it('moves browser versions forward with the date, behind by the device update lag', () => {
    const jan = Date.UTC(2026, 0, 10);
    const may = Date.UTC(2026, 4, 10);
    const spec = { platform: 'windows', browser: 'chrome', updateLagDays: 0 } as const;
    const version = (ua: string): number => Number(/Chrome\/(\d+)/.exec(ua)?.[1]);
    expect(version(userAgentAt(spec, may))).toBeGreaterThan(version(userAgentAt(spec, jan)));
    expect(version(userAgentAt({ ...spec, updateLagDays: 30 }, jan))).toBeLessThan(
      version(userAgentAt(spec, jan)),
    );
  });

  it('writes the strings real browsers send, with their device type', () => {
    const t = Date.UTC(2026, 0, 10);
    const iphone = userAgentAt({ platform: 'iphone', browser: 'safari', updateLagDays: 0 }, t);
    expect(iphone).toMatch(
      /^Mozilla\/5\.0 \(iPhone; CPU iPhone OS 18_6 like Mac OS X\).* Version\/26\.\d Mobile/,
    );
    expect(deviceTypeOfUserAgent(iphone)).toBe('mobile');
    const edge = userAgentAt({ platform: 'windows', browser: 'edge', updateLagDays: 0 }, t);
    expect(edge).toMatch(/Edg\/\d+\.0\.0\.0$/);
    expect(deviceTypeOfUserAgent(edge)).toBe('desktop');
    expect(deviceTypeOfUserAgent('python-requests/2.32.3')).toBe('unknown');
  });
});

describe('LocalCalendar', () => {
  it('converts local wall-clock time to UTC per zone', () => {
    const cal = new LocalCalendar(Date.UTC(2026, 0, 5));
    expect(new Date(cal.toUtcMs('Asia/Kolkata', 0, 9.5)).toISOString()).toBe('2026-01-05T04:00:00.000Z');
    expect(new Date(cal.toUtcMs('America/Chicago', 1, 8)).toISOString()).toBe('2026-01-06T14:00:00.000Z');
    const local = cal.toLocal('America/Chicago', Date.UTC(2026, 0, 6, 14, 30));
    expect(local.day).toBe(1);
    expect(local.hour).toBeCloseTo(8.5, 6);
    expect(cal.weekday(0)).toBe(0);
  });
});
