// Imported first: zod's fast path probes `new Function`, which the CSP (script-src 'self') reports as a
// violation even though zod catches the error. jitless skips the probe; the forms are tiny anyway.
import { z } from 'zod';

z.config({ jitless: true });
