// Which consumer groups this data folder has read from, kept on disk: when such a group is missing
// from Redis (it restarted empty, was flushed, or failed over to an empty replica), it is created again
// at the start of the stream, since everything there came after the loss. A group never seen here is a
// new dispatcher and starts with the events published from then on (`$`), like a new outbox cursor.
import fs from 'node:fs';
import path from 'node:path';

export interface GroupMemory {
  had(stream: string, group: string): boolean;
  remember(stream: string, group: string): void;
}

export const GROUPS_FILE = 'redis-stream-groups.json';

export function groupMemoryIn(dataDir: string): GroupMemory {
  const file = path.join(dataDir, GROUPS_FILE);
  let known: Record<string, true> = {};
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object') known = parsed as Record<string, true>;
  } catch {
    // None yet (or unreadable: then groups start as new ones would).
  }
  const id = (stream: string, group: string) => `${stream} ${group}`;
  return {
    had: (stream, group) => known[id(stream, group)] === true,
    remember(stream, group) {
      if (known[id(stream, group)]) return;
      known = { ...known, [id(stream, group)]: true };
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, JSON.stringify(known), { mode: 0o600 });
      fs.renameSync(temp, file);
    },
  };
}

/** For tests and instances without a data folder: remembers for the life of the process. */
export function groupMemoryInProcess(): GroupMemory {
  const known = new Set<string>();
  return {
    had: (stream, group) => known.has(`${stream} ${group}`),
    remember: (stream, group) => void known.add(`${stream} ${group}`),
  };
}
