// Child process for crash-safety.test.ts: creates projects until killed, printing each id only
// after create() resolved, i.e. after the commit was acknowledged.
import { newId } from '../ids.ts';
import { openSqliteStore } from './sqlite.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: crash-writer.fixture.ts <database file>');

const store = await openSqliteStore({ file });
for (;;) {
  const id = newId();
  const now = Date.now();
  await store.projects.create({ id, name: `crash-${id}`, provider: 'openai', baseUrl: 'https://api.openai.com/v1', isActive: true, createdAt: now }, [
    { id: newId(), projectId: id, label: 'default', keySealed: 'sealed', keyLast4: 'abcd', weight: 1, isEnabled: true, createdAt: now },
  ]);
  // Printed only after the commit: a line the parent never receives merely makes the check weaker.
  process.stdout.write(`${id}\n`);
}
