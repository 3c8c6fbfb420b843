// Pass `read-body`: JSON bodies are always buffered and parsed (the model is decided from the body
// itself, whatever the Content-Type says, so `text/plain` or `application/json; foo=bar` cannot slip a
// model past the list). Multipart bodies stream through, unless the token restricts models: then they
// are buffered and their `model` field read. A JSON body with a repeated top-level key is refused.
import { ProxyError } from '../errors.ts';
import { limitStream, readBody } from '../body.ts';
import { repeatedTopLevelKey } from '../json-keys.ts';
import type { RequestPass } from '../pipeline.ts';

export function readRequestBody(maxBodyBytes: number, stallMs = 0): RequestPass {
  return {
    name: 'read-body',
    async onRequest(x) {
      const endpoint = x.endpoint!;
      if (endpoint.body === 'none') return;
      const restrictsModels = x.auth!.token.allowedModels !== null && endpoint.hasModel;
      if (endpoint.body === 'multipart') {
        if (!restrictsModels) {
          x.body = limitStream(x.req, maxBodyBytes, stallMs);
          return;
        }
        const buffer = await readBody(x.req, maxBodyBytes, stallMs);
        x.body = buffer;
        x.model = await multipartModel(buffer, headerValue(x.req.headers['content-type']));
        return;
      }
      const buffer = await readBody(x.req, maxBodyBytes, stallMs);
      const text = buffer.toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new ProxyError('invalid_json');
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ProxyError('invalid_json', 'Request body must be a JSON object.');
      // The upstream must see the one model (and fields) the passes judged.
      const repeated = repeatedTopLevelKey(text);
      if (repeated !== null) throw new ProxyError('invalid_json', `Request body has the key ${JSON.stringify(repeated.slice(0, 64))} more than once.`);
      x.body = buffer;
      x.json = parsed as Record<string, unknown>;
      x.model = typeof x.json.model === 'string' ? x.json.model : null;
    },
  };
}

async function multipartModel(buffer: Buffer, contentType: string | undefined): Promise<string | null> {
  if (!contentType?.toLowerCase().startsWith('multipart/form-data')) return null;
  try {
    const form = await new Response(new Uint8Array(buffer), { headers: { 'content-type': contentType } }).formData();
    const models = form.getAll('model');
    return models.length === 1 && typeof models[0] === 'string' ? models[0] : null;
  } catch {
    return null;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
