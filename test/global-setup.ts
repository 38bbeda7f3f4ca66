import { execFileSync } from 'node:child_process';

/** The CLI tests run the real `loginguard` binary, so build it from the current sources first. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
