import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `name version` of an installed package (e.g. `ml-random-forest 2.1.0`), for reports. */
export function libraryVersion(name: string): string {
  try {
    const { version } = require(`${name}/package.json`) as { version?: string };
    return `${name} ${version ?? '?'}`;
  } catch {
    return name;
  }
}
