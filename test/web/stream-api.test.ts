import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auth, eventBody, testService } from '../server/test-service.js';

type TestService = Awaited<ReturnType<typeof testService>>;
let t: TestService;

beforeEach(async () => {
  t = await testService();
});
afterEach(async () => {
  await t.close();
});

describe('GET /v1/stream', () => {
  it('sends each committed batch of assessments as a server-sent event, and needs a key', async () => {
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    expect((await fetch(`${base}/v1/stream`)).status).toBe(401);

    const res = await fetch(`${base}/v1/stream`, { headers: auth(t.keys.read) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(/: connected\n\n/);

    const events = [eventBody({ userId: 'dave' }), eventBody({ userId: 'erin' })];
    await t.app.inject({ method: 'POST', url: '/v1/events', headers: auth(t.keys.ingest), payload: events });
    await t.drain();
    await readUntil(/event: assessments\ndata: .*\n\n/);
    const data = JSON.parse(/event: assessments\ndata: (.*)\n\n/.exec(text)![1]!);
    expect(data.count).toBe(2);
    expect(data.items.map((a: { eventId: string }) => a.eventId)).toEqual(events.map((e) => e.eventId));
    expect(data.items[0]).toMatchObject({
      userId: 'dave',
      action: expect.any(String),
      reasons: expect.any(Array),
    });
    await reader.cancel();
  });

  it('lets the server close while a client is still listening', async () => {
    const base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${base}/v1/stream`, { headers: auth(t.keys.read) });
    expect(res.status).toBe(200);
    await t.app.close(); // would wait for the open stream forever without the preClose hook
    const reader = res.body!.getReader();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(done).toBe(true);
  });
});
