// Uploads that stop moving get 408 request_body_timeout (OpenAI error shape) instead of holding a
// connection open for ever; answers that take long are not cut by it. The real app with a short
// --request-body-timeout-ms, raw HTTP clients that stop sending mid-body, the mock upstream.
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../testing/mock-upstream.ts';
import { startTestApp, type TestApp } from '../testing/test-app.ts';

const WINDOW_MS = 300;
let t: TestApp;
let upstream: MockUpstream;
let token: string;

beforeEach(async () => {
  upstream = await startMockUpstream();
  t = await startTestApp({ requestBodyTimeoutMs: WINDOW_MS });
  const project = (await t.manage('POST', '/manage/projects', { name: 'uploads', api_key: 'sk-upload-test-key-0000', base_url: upstream.url })).json as {
    id: string;
  };
  token = (await t.manage('POST', '/manage/tokens', { project_id: project.id, duration_minutes: 10 })).json.token;
});
afterEach(async () => {
  await t.close();
  await upstream.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  json: { error?: { code: string; type: string; message: string } };
}

/**
 * Opens a POST that declares `declared` bytes, sends `start`, then either nothing more or (with
 * `trickle`) one byte each time the previous one was written and a macrotask passed, until answered.
 */
function stalledUpload(path: string, opts: { declared: number; start: string; contentType?: string; trickle?: boolean }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, t.url);
    let answered = false;
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': opts.contentType ?? 'application/json', 'content-length': opts.declared },
      },
      (res) => {
        answered = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, json: JSON.parse(text) }));
      },
    );
    req.on('error', (err) => (answered ? undefined : reject(err)));
    req.write(opts.start);
    if (!opts.trickle) return;
    const drip = (): void => {
      if (answered || req.destroyed) return;
      req.write(' ', () => setTimeout(drip, 10));
    };
    drip();
  });
}

describe('request body timeout', () => {
  it('answers 408 request_body_timeout (OpenAI shape, connection closed) when the client stops sending mid-body', async () => {
    const answer = await stalledUpload('/v1/chat/completions', { declared: 5_000, start: '{"model": "gpt-4o-mini", "messages": [' });
    expect(answer.status).toBe(408);
    expect(answer.headers.connection).toBe('close');
    expect(answer.json.error).toMatchObject({ code: 'request_body_timeout', type: 'invalid_request_error' });
    expect(upstream.received).toHaveLength(0);
  });

  it('answers 408 to a slow-loris that keeps sending a byte at a time', async () => {
    const answer = await stalledUpload('/v1/chat/completions', { declared: 100_000, start: '{"model": "gpt-4o-mini", "messages": [', trickle: true });
    expect(answer.status).toBe(408);
    expect(answer.json.error?.code).toBe('request_body_timeout');
  });

  it('answers 408 to a streamed-through multipart upload that stalls', async () => {
    const boundary = 'b0undary';
    const start = `--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\nRIFF`;
    const answer = await stalledUpload('/v1/audio/transcriptions', { declared: 50_000, start, contentType: `multipart/form-data; boundary=${boundary}` });
    expect(answer.status).toBe(408);
    expect(answer.json.error?.code).toBe('request_body_timeout');
  });

  it('never cuts an answer that streams for longer than the window once the body is in', async () => {
    let release!: () => void;
    upstream.holdStream = new Promise((resolve) => (release = resolve));
    const res = await fetch(`${t.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'count' }], stream: true }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // A stalled upload started after the stream's body was sent: its 408 proves a whole window passed.
    expect((await stalledUpload('/v1/chat/completions', { declared: 1_000, start: '{' })).status).toBe(408);
    release();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += Buffer.from(chunk.value).toString('utf8');
    expect(rest).toContain('data: [DONE]');
  });
});
