// The observability export settings: OTLP endpoint and headers, Helicone key and URL.
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { loadSettings } from './settings.ts';

describe('export settings', () => {
  it('reads OTLP headers as name=value pairs (percent-decoded) from env and flags, an object from the config file', () => {
    const fromEnv = loadSettings({
      env: { LLM_PROXY_OTLP_ENDPOINT: 'http://127.0.0.1:4318/v1/traces', LLM_PROXY_OTLP_HEADERS: 'x-honeycomb-team=abc%3D1, x-env = prod' },
    });
    expect(fromEnv).toMatchObject({ otlpEndpoint: 'http://127.0.0.1:4318/v1/traces', otlpHeaders: { 'x-honeycomb-team': 'abc=1', 'x-env': 'prod' } });
    expect(loadSettings({ env: {}, flags: { otlpHeaders: { authorization: 'Bearer t' } } }).otlpHeaders).toEqual({ authorization: 'Bearer t' });
  });

  it('refuses a bad endpoint or header list without echoing the secret', () => {
    for (const env of [
      { LLM_PROXY_OTLP_ENDPOINT: 'ftp://collector' },
      { LLM_PROXY_OTLP_HEADERS: 'no-equals-sign-s3cr3t' },
      { LLM_PROXY_HELICONE_URL: 'not a url' },
    ]) {
      let error: unknown;
      try {
        loadSettings({ env });
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(env)).toBeInstanceOf(AppError);
      expect(String((error as Error).message)).not.toContain('s3cr3t');
    }
  });

  it('turns Helicone on with a key, at its default endpoint unless another is given', () => {
    expect(loadSettings({ env: { LLM_PROXY_HELICONE_API_KEY: 'sk-helicone-1' } })).toMatchObject({
      heliconeApiKey: 'sk-helicone-1',
      heliconeUrl: 'https://api.worker.helicone.ai/custom/v1/log',
    });
    expect(loadSettings({ env: { LLM_PROXY_HELICONE_URL: 'https://api.us.helicone.ai/custom/v1/log' } }).heliconeUrl).toBe(
      'https://api.us.helicone.ai/custom/v1/log',
    );
  });
});
