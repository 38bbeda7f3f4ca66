import { execFileSync } from 'node:child_process';

/**
 * The CLI tests run the real `loginguard` binary and the dashboard test loads the built web app,
 * so build both from the current sources first (`npm run build`: tsc, then Vite).
 */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
